package mail_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"mime/quotedprintable"
	stdmail "net/mail"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/mail"
	"github.com/kefu/kefu/mail/smtptest"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name, raw           string
		host, port, user    string
		pass, from, fromNm  string
		implicit, wantError bool
	}{
		{name: "starttls", raw: "smtp://u:p%40ss@mail.example.com?from=kefu@example.com", host: "mail.example.com", port: "587", user: "u", pass: "p@ss", from: "kefu@example.com"},
		{name: "smtps", raw: "smtps://mail.example.com?from=kefu@example.com&name=客服", host: "mail.example.com", port: "465", from: "kefu@example.com", fromNm: "客服", implicit: true},
		{name: "own port", raw: "smtp://127.0.0.1:2525?from=a@b.c", host: "127.0.0.1", port: "2525", from: "a@b.c"},
		{name: "no from", raw: "smtp://mail.example.com", wantError: true},
		{name: "bad from", raw: "smtp://mail.example.com?from=Kefu%20%3Ca@b.c%3E", wantError: true},
		{name: "other scheme", raw: "http://mail.example.com?from=a@b.c", wantError: true},
		{name: "no host", raw: "smtp://?from=a@b.c", wantError: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := mail.ParseURL(tt.raw)
			if tt.wantError {
				if err == nil {
					t.Fatalf("ParseURL(%q) = %+v, want an error", tt.raw, s)
				}
				if strings.Contains(err.Error(), "p@ss") {
					t.Errorf("error shows the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Host != tt.host || s.Port != tt.port || s.User != tt.user || s.Password != tt.pass || s.From.Address != tt.from || s.From.Name != tt.fromNm || s.Implicit != tt.implicit {
				t.Errorf("ParseURL(%q) = %+v", tt.raw, s)
			}
			if strings.Contains(s.String(), "p@ss") {
				t.Errorf("String() shows the password: %s", s)
			}
		})
	}
}

func TestFormat(t *testing.T) {
	from := stdmail.Address{Name: "演示商店", Address: "kefu@shop.example"}
	text := "您好！您的订单已经发货。\n" + strings.Repeat("很长的一行中文，", 20) + "\nhttps://chat.example.com/chat/demo#r=abc"
	raw, err := mail.Format(from, mail.Message{
		To:      stdmail.Address{Address: "visitor@example.com"},
		ReplyTo: "help@shop.example",
		Subject: "回复：关于退款\r\nBcc: evil@example.com",
		Text:    text,
	}, time.Date(2026, 3, 1, 14, 2, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	for i, line := range strings.Split(string(raw), "\r\n") {
		if len(line) > 998 {
			t.Errorf("line %d is %d bytes", i, len(line))
		}
		for _, r := range line {
			if r > 127 {
				t.Fatalf("line %d is not ASCII: %q", i, line)
			}
		}
	}
	msg, err := stdmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if got := msg.Header.Get("Bcc"); got != "" {
		t.Errorf("a newline in the subject made a Bcc header: %q", got)
	}
	subject, err := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if err != nil || subject != "回复：关于退款 Bcc: evil@example.com" {
		t.Errorf("Subject = %q (%v)", subject, err)
	}
	fromHdr, err := msg.Header.AddressList("From")
	if err != nil || len(fromHdr) != 1 || fromHdr[0].Name != "演示商店" || fromHdr[0].Address != "kefu@shop.example" {
		t.Errorf("From = %v (%v)", fromHdr, err)
	}
	for k, want := range map[string]string{
		"To":                        "<visitor@example.com>",
		"Reply-To":                  "<help@shop.example>",
		"Date":                      "Sun, 01 Mar 2026 14:02:00 +0000",
		"Content-Type":              "text/plain; charset=utf-8",
		"Content-Transfer-Encoding": "quoted-printable",
		"MIME-Version":              "1.0",
	} {
		if got := msg.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if id := msg.Header.Get("Message-ID"); !strings.HasPrefix(id, "<") || !strings.HasSuffix(id, "@shop.example>") {
		t.Errorf("Message-ID = %q", id)
	}
	body, err := io.ReadAll(quotedprintable.NewReader(msg.Body))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.ReplaceAll(string(body), "\r\n", "\n"); strings.TrimSuffix(got, "\n") != text {
		t.Errorf("body = %q, want %q", got, text)
	}
}

func TestFormatRefusesBadRecipient(t *testing.T) {
	_, err := mail.Format(stdmail.Address{Address: "a@b.c"}, mail.Message{To: stdmail.Address{Address: "not an address"}}, time.Now())
	if err == nil {
		t.Fatal("want an error")
	}
}

func TestSendThroughRealServer(t *testing.T) {
	srv := smtptest.Start(t, "kefu", "s3cret")
	s, err := mail.ParseURL(srv.URL("kefu@shop.example"))
	if err != nil {
		t.Fatal(err)
	}
	err = mail.NewSender(s, 5*time.Second).Send(context.Background(), mail.Message{
		To: stdmail.Address{Address: "visitor@example.com"}, Subject: "您的留言有回复了", Text: "已退款，请查收。",
	})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.Wait(t, 1, 5*time.Second)[0]
	if m.From != "kefu@shop.example" || len(m.To) != 1 || m.To[0] != "visitor@example.com" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	if m.Subject() != "您的留言有回复了" || !strings.Contains(m.Text, "已退款，请查收。") {
		t.Errorf("subject %q, text %q", m.Subject(), m.Text)
	}
}

func TestSendWrongPasswordIsPermanent(t *testing.T) {
	srv := smtptest.Start(t, "kefu", "s3cret")
	s, _ := mail.ParseURL(srv.URL("kefu@shop.example"))
	s.Password = "wrong"
	err := mail.NewSender(s, 5*time.Second).Send(context.Background(), mail.Message{To: stdmail.Address{Address: "v@example.com"}, Subject: "x", Text: "y"})
	var perm *mail.PermanentError
	if !errorsAs(err, &perm) {
		t.Fatalf("err = %v, want a PermanentError", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("error shows the password: %v", err)
	}
}

func TestSendTimesOut(t *testing.T) {
	ln := listenSilent(t) // accepts, never greets
	s := mail.Server{Host: "127.0.0.1", Port: ln, From: stdmail.Address{Address: "a@b.c"}}
	start := time.Now()
	err := mail.NewSender(s, 300*time.Millisecond).Send(context.Background(), mail.Message{To: stdmail.Address{Address: "v@example.com"}})
	if err == nil {
		t.Fatal("want a timeout")
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %s", d)
	}
}

func TestQueueRetriesAndDrains(t *testing.T) {
	srv := smtptest.Start(t, "", "")
	srv.FailNext(2) // a busy server: two 451s
	s, _ := mail.ParseURL(srv.URL("kefu@shop.example"))
	q := mail.NewQueue(mail.NewSender(s, 5*time.Second), 4, []time.Duration{time.Millisecond, time.Millisecond, time.Millisecond}, nil)
	for _, to := range []string{"a@example.com", "b@example.com"} {
		if err := q.Enqueue(mail.Message{To: stdmail.Address{Address: to}, Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q.Close(ctx)
	got := srv.Mails()
	var to []string
	for _, m := range got {
		to = append(to, m.To...)
	}
	slices.Sort(to)
	if !slices.Equal(to, []string{"a@example.com", "b@example.com"}) {
		t.Fatalf("received %d mails, to %v", len(got), to)
	}
	if err := q.Enqueue(mail.Message{To: stdmail.Address{Address: "c@example.com"}}); err == nil {
		t.Error("a closed queue took a message")
	}
}

func TestQueueIsBounded(t *testing.T) {
	block := make(chan struct{})
	q := mail.NewQueue(blocked(block), 2, nil, nil)
	defer func() {
		close(block)
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		q.Close(ctx)
	}()
	m := mail.Message{To: stdmail.Address{Address: "a@example.com"}}
	var full int
	for range 10 {
		if err := q.Enqueue(m); err == mail.ErrQueueFull {
			full++
		}
	}
	// One in hand per sender, two waiting: the rest are refused at once.
	if want := 10 - mail.Senders - 2; full < want {
		t.Errorf("%d of 10 refused, want at least %d", full, want)
	}
}

// A message that waits to be tried again does not hold up the others:
// while the first, refused with a 451, waits a minute, the second goes.
func TestQueueDoesNotWaitBehindARetry(t *testing.T) {
	srv := smtptest.Start(t, "", "")
	srv.FailNext(1)
	s, _ := mail.ParseURL(srv.URL("kefu@shop.example"))
	q := mail.NewQueue(mail.NewSender(s, 5*time.Second), 4, []time.Duration{time.Minute}, nil)
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Millisecond)
		defer cancel()
		q.Close(ctx)
	}()
	for _, to := range []string{"first@example.com", "second@example.com"} {
		if err := q.Enqueue(mail.Message{To: stdmail.Address{Address: to}, Subject: "s", Text: "t"}); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond) // the first is tried first
	}
	got := srv.Wait(t, 1, 5*time.Second)
	if len(got) != 1 || got[0].To[0] != "second@example.com" {
		t.Fatalf("received %+v, want the second message while the first waits", got)
	}
}
