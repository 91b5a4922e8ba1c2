package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"net/textproto"
	"time"
)

// DefaultTimeout bounds one delivery, from dialling to QUIT.
const DefaultTimeout = 30 * time.Second

// Sender delivers messages to one SMTP server, each over its own
// connection.
type Sender struct {
	srv     Server
	timeout time.Duration
	now     func() time.Time
}

// NewSender returns a Sender for srv. A timeout of 0 is DefaultTimeout.
func NewSender(srv Server, timeout time.Duration) *Sender {
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return &Sender{srv: srv, timeout: timeout, now: time.Now}
}

// From is the sender's address.
func (s *Sender) From() string { return s.srv.From.Address }

// Send formats m and delivers it. A refusal that retrying cannot change
// (an SMTP 5xx reply) is a *PermanentError.
func (s *Sender) Send(ctx context.Context, m Message) error {
	body, err := Format(s.srv.From, m, s.now())
	if err != nil {
		return &PermanentError{Err: err}
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	err = s.deliver(ctx, m.To.Address, body)
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 {
		return &PermanentError{Err: err}
	}
	return err
}

func (s *Sender) deliver(ctx context.Context, to string, body []byte) error {
	d := net.Dialer{}
	conn, err := d.DialContext(ctx, "tcp", s.srv.Addr())
	if err != nil {
		return fmt.Errorf("mail: dial %s: %w", s.srv, err)
	}
	defer conn.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = conn.SetDeadline(dl)
	}
	// The deadline bounds each read and write; a cancelled ctx ends the
	// connection at once.
	stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
	defer stop()
	tlsCfg := s.tlsConfig()
	if s.srv.Implicit {
		conn = tls.Client(conn, tlsCfg)
	}
	c, err := smtp.NewClient(conn, s.srv.Host)
	if err != nil {
		return fmt.Errorf("mail: greeting from %s: %w", s.srv, err)
	}
	defer c.Close()
	if !s.srv.Implicit {
		if ok, _ := c.Extension("STARTTLS"); ok {
			if err := c.StartTLS(tlsCfg); err != nil {
				return fmt.Errorf("mail: STARTTLS with %s: %w", s.srv, err)
			}
		}
	}
	if s.srv.User != "" {
		// PlainAuth sends the password only over TLS or to this machine.
		if err := c.Auth(smtp.PlainAuth("", s.srv.User, s.srv.Password, s.srv.Host)); err != nil {
			return fmt.Errorf("mail: log in to %s as %s: %w", s.srv, s.srv.User, err)
		}
	}
	if err := c.Mail(s.srv.From.Address); err != nil {
		return fmt.Errorf("mail: MAIL FROM: %w", err)
	}
	if err := c.Rcpt(to); err != nil {
		return fmt.Errorf("mail: RCPT TO: %w", err)
	}
	w, err := c.Data()
	if err != nil {
		return fmt.Errorf("mail: DATA: %w", err)
	}
	if _, err := w.Write(body); err != nil {
		return fmt.Errorf("mail: write message: %w", err)
	}
	if err := w.Close(); err != nil {
		return fmt.Errorf("mail: end message: %w", err)
	}
	return c.Quit()
}

func (s *Sender) tlsConfig() *tls.Config {
	if s.srv.TLS != nil {
		c := s.srv.TLS.Clone()
		if c.ServerName == "" {
			c.ServerName = s.srv.Host
		}
		return c
	}
	return &tls.Config{ServerName: s.srv.Host, MinVersion: tls.VersionTLS12}
}

// PermanentError is a delivery that will fail however often it is tried.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }
