package mail

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"mime"
	"mime/quotedprintable"
	stdmail "net/mail"
	"strings"
	"time"
)

// Message is one email of plain text.
type Message struct {
	To      stdmail.Address
	ReplyTo string // an address; empty: none
	Subject string
	Text    string
}

// check refuses a message that cannot be sent as it is.
func (m Message) check() error {
	if _, err := stdmail.ParseAddress(m.To.Address); err != nil || m.To.Address == "" {
		return fmt.Errorf("mail: bad recipient %q", m.To.Address)
	}
	if m.ReplyTo != "" {
		if _, err := stdmail.ParseAddress(m.ReplyTo); err != nil {
			return fmt.Errorf("mail: bad reply-to %q", m.ReplyTo)
		}
	}
	return nil
}

// Format writes m as it goes over the wire from from, dated now: headers
// in ASCII (names and the subject as RFC 2047 words), and the text as
// UTF-8 in quoted-printable, with CRLF line ends.
func Format(from stdmail.Address, m Message, now time.Time) ([]byte, error) {
	if err := m.check(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	h := func(k, v string) { b.WriteString(k + ": " + v + "\r\n") }
	h("From", from.String())
	h("To", m.To.String())
	if m.ReplyTo != "" {
		h("Reply-To", (&stdmail.Address{Address: m.ReplyTo}).String())
	}
	h("Subject", mime.QEncoding.Encode("utf-8", oneLine(m.Subject)))
	h("Date", now.Format(time.RFC1123Z))
	h("Message-ID", messageID(from.Address))
	h("MIME-Version", "1.0")
	h("Content-Type", "text/plain; charset=utf-8")
	h("Content-Transfer-Encoding", "quoted-printable")
	h("Auto-Submitted", "auto-generated")
	b.WriteString("\r\n")
	w := quotedprintable.NewWriter(&b)
	text := strings.ReplaceAll(strings.ReplaceAll(m.Text, "\r\n", "\n"), "\n", "\r\n")
	if _, err := w.Write([]byte(text)); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("mail: encode body: %w", err)
	}
	b.WriteString("\r\n")
	return b.Bytes(), nil
}

// oneLine keeps a header value on one line: a newline in it would start a
// header of the sender's choosing.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// messageID is a new, unique Message-ID in the sender's domain.
func messageID(from string) string {
	domain := "kefu.invalid"
	if _, d, ok := strings.Cut(from, "@"); ok && d != "" {
		domain = d
	}
	var r [16]byte
	_, _ = rand.Read(r[:])
	return "<" + hex.EncodeToString(r[:]) + "@" + domain + ">"
}
