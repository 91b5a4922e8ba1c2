// Package mail sends kefu's email over SMTP, with net/smtp from the
// standard library: a server named by one URL, messages formatted for
// any language (UTF-8, quoted-printable), and a bounded queue that sends
// in the background, retries and logs what it could not send.
package mail

import (
	"crypto/tls"
	"fmt"
	"net"
	stdmail "net/mail"
	"net/url"
	"strings"
)

// Server is an SMTP server to send through, as KEFU_SMTP_URL names it:
//
//	smtp://USER:PASSWORD@HOST:587?from=kefu@example.com
//	smtps://USER:PASSWORD@HOST:465?from=kefu@example.com
//
// smtp:// (port 587 by default) upgrades with STARTTLS whenever the
// server offers it; smtps:// (port 465) is TLS from the first byte. The
// user and password are optional, and are only ever sent encrypted, or
// to a server on this machine. from is the sender's address, with an
// optional name=… for its display name.
type Server struct {
	Host     string
	Port     string
	Implicit bool // smtps: TLS from the start
	User     string
	Password string
	From     stdmail.Address
	// TLS is the TLS configuration; nil verifies Host with the system's
	// roots. Tests set their own roots.
	TLS *tls.Config
}

// ParseURL reads an SMTP URL; see Server.
func ParseURL(raw string) (Server, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Server{}, fmt.Errorf("want smtp://user:password@host:587?from=kefu@example.com, got an unreadable URL")
	}
	var s Server
	switch u.Scheme {
	case "smtp":
		s.Port = "587"
	case "smtps":
		s.Port, s.Implicit = "465", true
	default:
		return Server{}, fmt.Errorf("want an smtp:// or smtps:// URL, got scheme %q", u.Scheme)
	}
	s.Host = u.Hostname()
	if s.Host == "" {
		return Server{}, fmt.Errorf("the URL has no host")
	}
	if p := u.Port(); p != "" {
		s.Port = p
	}
	if u.User != nil {
		s.User = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	from := q.Get("from")
	if from == "" {
		return Server{}, fmt.Errorf("the URL needs ?from=ADDRESS, the sender of kefu's mail")
	}
	a, err := stdmail.ParseAddress(from)
	if err != nil || a.Address != from {
		return Server{}, fmt.Errorf("from: want an address such as kefu@example.com, got %q", from)
	}
	s.From = stdmail.Address{Name: q.Get("name"), Address: a.Address}
	return s, nil
}

// Addr is host:port, to dial.
func (s Server) Addr() string { return net.JoinHostPort(s.Host, s.Port) }

// String names the server without its password.
func (s Server) String() string {
	scheme := "smtp"
	if s.Implicit {
		scheme = "smtps"
	}
	return scheme + "://" + s.Addr()
}
