// Package smtptest runs a real SMTP server in the test's process, on a
// free port, that keeps every message it receives, for tests of what kefu
// mails. It wraps github.com/emersion/go-smtp and is imported by tests
// only.
package smtptest

import (
	"bytes"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	stdmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Mail is one message as the server received it.
type Mail struct {
	From string   // MAIL FROM
	To   []string // RCPT TO
	Raw  []byte
	// Header and Text are Raw parsed: the headers, and the body decoded
	// from its transfer encoding.
	Header stdmail.Header
	Text   string
}

// Subject is the decoded Subject header.
func (m Mail) Subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if err != nil {
		return m.Header.Get("Subject")
	}
	return s
}

// Server is a running SMTP server.
type Server struct {
	Addr string
	// User and Password, when set, are the only login accepted, and
	// sending needs it.
	User, Password string

	mu    sync.Mutex
	mails []Mail
	fail  int // refuse the next fail messages with a 451
	added chan struct{}
}

// Start runs a server until the test ends. With user set, it asks for
// that login (PLAIN, allowed without TLS on loopback).
func Start(t testing.TB, user, password string) *Server {
	t.Helper()
	s := &Server{User: user, Password: password, added: make(chan struct{}, 1)}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s.Addr = ln.Addr().String()
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return s
}

// URL is a KEFU_SMTP_URL that sends here as from.
func (s *Server) URL(from string) string {
	u := url.URL{Scheme: "smtp", Host: s.Addr, RawQuery: url.Values{"from": {from}}.Encode()}
	if s.User != "" {
		u.User = url.UserPassword(s.User, s.Password)
	}
	return u.String()
}

// FailNext makes the server refuse the next n messages with a temporary
// error (451), as a busy server does.
func (s *Server) FailNext(n int) {
	s.mu.Lock()
	s.fail = n
	s.mu.Unlock()
}

// Mails returns what was received so far.
func (s *Server) Mails() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.mails...)
}

// Wait returns once n messages were received, or fails the test after
// timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Mail {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Mails(); len(m) >= n {
			return m
		}
		select {
		case <-s.added:
		case <-deadline:
			t.Fatalf("smtptest: got %d mails in %s, want %d", len(s.Mails()), timeout, n)
		}
	}
}

func (s *Server) add(m Mail) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail > 0 {
		s.fail--
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "try again later"}
	}
	s.mails = append(s.mails, m)
	select {
	case s.added <- struct{}{}:
	default:
	}
	return nil
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: b.s}, nil }

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (x *session) AuthMechanisms() []string { return []string{sasl.Plain} }

func (x *session) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if x.s.User == "" || user != x.s.User || pass != x.s.Password {
			return smtp.ErrAuthFailed
		}
		x.authed = true
		return nil
	}), nil
}

func (x *session) Mail(from string, _ *smtp.MailOptions) error {
	if x.s.User != "" && !x.authed {
		return smtp.ErrAuthRequired
	}
	x.from = from
	return nil
}

func (x *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	x.to = append(x.to, to)
	return nil
}

func (x *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m := Mail{From: x.from, To: x.to, Raw: raw}
	if msg, err := stdmail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		body := msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		text, _ := io.ReadAll(body)
		m.Text = strings.ReplaceAll(string(text), "\r\n", "\n")
	}
	return x.s.add(m)
}

func (x *session) Reset()        { x.from, x.to = "", nil }
func (x *session) Logout() error { return nil }
