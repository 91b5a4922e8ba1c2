package config

import (
	"log/slog"
	"net/url"
	"strings"
)

const redacted = "[redacted]"

// Redacted returns a copy of c that is safe to log or print: the secret and
// the admin password are replaced by "[redacted]" when set, and passwords
// inside the MongoDB, NATS and SMTP URLs are masked.
func (c Config) Redacted() Config {
	r := c
	if r.MetricsToken != "" {
		r.MetricsToken = redacted
	}
	if r.Secret != "" {
		r.Secret = redacted
	}
	if r.AdminPassword != "" {
		r.AdminPassword = redacted
	}
	r.MongoDBURI = redactURL(r.MongoDBURI)
	r.SMTPURL = redactURL(r.SMTPURL)
	if r.NATSURL != "" {
		parts := strings.Split(r.NATSURL, ",")
		for i, p := range parts {
			parts[i] = redactURL(strings.TrimSpace(p))
		}
		r.NATSURL = strings.Join(parts, ",")
	}
	r.AllowedOrigins = append([]string(nil), c.AllowedOrigins...)
	return r
}

// String describes c without its secrets, so that printing a Config with
// %v or %+v cannot leak them.
func (c Config) String() string {
	r := c.Redacted()
	var b strings.Builder
	for i, s := range r.settings() {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s.env + "=" + quoteIfNeeded(s.value.String()))
	}
	return b.String()
}

// GoString keeps %#v from printing the secrets as well.
func (c Config) GoString() string { return "config.Config{" + c.String() + "}" }

// LogValue makes slog log the redacted settings as a group.
func (c Config) LogValue() slog.Value {
	r := c.Redacted()
	settings := r.settings()
	attrs := make([]slog.Attr, 0, len(settings))
	for _, s := range settings {
		attrs = append(attrs, slog.String(s.flag, s.value.String()))
	}
	return slog.GroupValue(attrs...)
}

func quoteIfNeeded(s string) string {
	if s == "" || strings.ContainsAny(s, " \t\"") {
		return `"` + strings.ReplaceAll(s, `"`, `\"`) + `"`
	}
	return s
}

// redactURL replaces the password of a URL's user info with "xxxxx", or
// the user name when it stands alone. A string that does not
// parse as a URL but has user info is masked entirely.
func redactURL(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		if strings.Contains(raw, "@") {
			return redacted
		}
		return raw
	}
	if u.User == nil {
		return raw
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	} else {
		// A lone user name may be a token (nats://TOKEN@host).
		u.User = url.User("xxxxx")
	}
	return u.String()
}
