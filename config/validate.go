package config

import (
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	kefumail "github.com/kefu/kefu/mail"
)

// MinSecretLen is the shortest KEFU_SECRET accepted, in bytes.
const MinSecretLen = 32

// MinPasswordLen is the shortest KEFU_ADMIN_PASSWORD accepted, in characters.
const MinPasswordLen = 8

var siteKeyRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ValidationError lists every problem found in a Config, each starting with
// the environment variable it concerns, such as
// "KEFU_ADDR: want host:port such as :8080, got "8080"".
type ValidationError struct {
	Problems []string
}

func (e *ValidationError) Error() string {
	if len(e.Problems) == 1 {
		return "config: " + e.Problems[0]
	}
	return fmt.Sprintf("config: %d problems:\n  %s", len(e.Problems), strings.Join(e.Problems, "\n  "))
}

// Validate checks every setting and returns a *ValidationError listing all
// problems, or nil. An empty PublicURL is valid: it means "derive it once
// the listener is bound".
func (c Config) Validate() error {
	var v validator

	v.check("KEFU_ADDR", checkAddr(c.Addr))
	if c.PublicURL != "" {
		v.check("KEFU_PUBLIC_URL", checkBaseURL(c.PublicURL, "https://chat.example.com"))
	}
	if strings.TrimSpace(c.DataDir) == "" {
		v.add("KEFU_DATA_DIR", "must not be empty")
	}
	if c.MongoDBURI != "" {
		v.check("KEFU_MONGODB_URI", checkMongoURI(c.MongoDBURI))
	}
	v.check("KEFU_MONGODB_DATABASE", checkDatabaseName(c.MongoDBDatabase))
	if c.NATSURL != "" {
		v.check("KEFU_NATS_URL", checkNATSURL(c.NATSURL))
	}
	if c.Secret != "" && len(c.Secret) < MinSecretLen {
		v.add("KEFU_SECRET", fmt.Sprintf("must be at least %d bytes, got %d; make one with: openssl rand -hex 32, or leave it empty to use a generated key", MinSecretLen, len(c.Secret)))
	}
	if c.SMTPURL != "" {
		if _, err := kefumail.ParseURL(c.SMTPURL); err != nil {
			v.add("KEFU_SMTP_URL", err.Error())
		}
	}
	v.check("KEFU_ADMIN_EMAIL", checkEmail(c.AdminEmail))
	if c.AdminPassword != "" && utf8.RuneCountInString(c.AdminPassword) < MinPasswordLen {
		v.add("KEFU_ADMIN_PASSWORD", fmt.Sprintf("must be at least %d characters, or empty to generate one", MinPasswordLen))
	}
	if !siteKeyRE.MatchString(c.SiteKey) {
		v.add("KEFU_SITE_KEY", fmt.Sprintf("want 1 to 64 letters, digits, _ or -, got %q", c.SiteKey))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		v.add("KEFU_LOG_LEVEL", fmt.Sprintf("want debug, info, warn or error, got %q", c.LogLevel))
	}
	switch c.LogFormat {
	case "text", "json":
	default:
		v.add("KEFU_LOG_FORMAT", fmt.Sprintf("want text or json, got %q", c.LogFormat))
	}
	if c.ShutdownTimeout <= 0 {
		v.add("KEFU_SHUTDOWN_TIMEOUT", fmt.Sprintf("must be positive, got %s", c.ShutdownTimeout))
	}
	if c.RateVisitor < 1 {
		v.add("KEFU_RATE_VISITOR", fmt.Sprintf("must be at least 1, got %d", c.RateVisitor))
	}
	if c.KeepVisitorsDays < 0 {
		v.add("KEFU_KEEP_VISITORS_DAYS", fmt.Sprintf("must be 0 (forever) or more, got %d", c.KeepVisitorsDays))
	}
	switch {
	case c.UnansweredAlertMinutes < 0 || c.UnansweredAlertMinutes > 7*24*60:
		v.add("KEFU_UNANSWERED_ALERT_MINUTES", fmt.Sprintf("must be 0 (no alerts) to 10080 (a week), got %d", c.UnansweredAlertMinutes))
	case c.UnansweredAlertMinutes > 0 && c.SMTPURL == "":
		v.add("KEFU_UNANSWERED_ALERT_MINUTES", "needs KEFU_SMTP_URL, the server to send the alerts through")
	}
	if c.KeepResolvedDays < 0 {
		v.add("KEFU_KEEP_RESOLVED_DAYS", fmt.Sprintf("must be 0 (forever) or more, got %d", c.KeepResolvedDays))
	}
	if c.RateSite < 0 {
		v.add("KEFU_RATE_SITE", fmt.Sprintf("must be 0 (no budget) or more, got %d", c.RateSite))
	}
	if c.RateLogin < 1 {
		v.add("KEFU_RATE_LOGIN", fmt.Sprintf("must be at least 1, got %d", c.RateLogin))
	}
	if c.RateIP < 1 {
		v.add("KEFU_RATE_IP", fmt.Sprintf("must be at least 1, got %d", c.RateIP))
	}
	for _, p := range c.TrustedProxies {
		if _, err := netip.ParsePrefix(p); err != nil {
			if _, err := netip.ParseAddr(p); err != nil {
				v.add("KEFU_TRUSTED_PROXIES", fmt.Sprintf("want an IP or a CIDR such as 10.0.0.0/8, got %q", p))
			}
		}
	}
	for _, o := range c.AllowedOrigins {
		if o == "*" {
			v.add("KEFU_ALLOWED_ORIGINS", `"*" is not an origin; leave the list empty to allow any origin`)
			continue
		}
		v.check("KEFU_ALLOWED_ORIGINS", checkBaseURL(o, "https://shop.example.com"))
	}
	return v.err()
}

type validator struct{ problems []string }

func (v *validator) add(env, msg string) { v.problems = append(v.problems, env+": "+msg) }

func (v *validator) check(env string, err error) {
	if err != nil {
		v.add(env, err.Error())
	}
}

func (v *validator) err() error {
	if len(v.problems) == 0 {
		return nil
	}
	return &ValidationError{Problems: v.problems}
}

func checkAddr(addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("want host:port such as :8080 or 127.0.0.1:8080, got %q", addr)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return fmt.Errorf("want a port number from 0 to 65535, got %q", port)
	}
	return nil
}

// checkBaseURL accepts scheme://host[:port] with an http or https scheme,
// the form of both a public URL and a browser Origin.
func checkBaseURL(raw, example string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return fmt.Errorf("want an absolute http(s) URL such as %s, got %q", example, raw)
	}
	if u.User != nil {
		return fmt.Errorf("must not contain a user or password, got %q", redactURL(raw))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return fmt.Errorf("must be scheme://host[:port] without a path, query or fragment, got %q", raw)
	}
	if u.Port() != "" {
		if n, err := strconv.Atoi(u.Port()); err != nil || n < 1 || n > 65535 {
			return fmt.Errorf("has a bad port, got %q", raw)
		}
	}
	return nil
}

func checkMongoURI(raw string) error {
	if !strings.HasPrefix(raw, "mongodb://") && !strings.HasPrefix(raw, "mongodb+srv://") {
		return fmt.Errorf("want a mongodb:// or mongodb+srv:// connection string, got %q; leave it empty to use the embedded database", redactURL(raw))
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Parse rejects some valid seed lists (host1,host2:27018), which
		// the driver parses itself, so only the scheme is checked above.
		return nil
	}
	if u.Host == "" {
		return fmt.Errorf("has no host, got %q", redactURL(raw))
	}
	return nil
}

// checkDatabaseName applies MongoDB's rules for database names.
func checkDatabaseName(name string) error {
	if name == "" {
		return fmt.Errorf("must not be empty")
	}
	if len(name) > 63 {
		return fmt.Errorf("must be at most 63 bytes, got %d", len(name))
	}
	if i := strings.IndexAny(name, "/\\. \"$*<>:|?\x00"); i >= 0 {
		return fmt.Errorf("must not contain %q, got %q", name[i], name)
	}
	return nil
}

func checkNATSURL(list string) error {
	for _, raw := range strings.Split(list, ",") {
		raw = strings.TrimSpace(raw)
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" {
			return fmt.Errorf("want nats://host:port, comma-separated for several servers, got %q; leave it empty for a single node", redactURL(raw))
		}
		switch u.Scheme {
		case "nats", "tls", "ws", "wss":
		default:
			return fmt.Errorf("want a nats://, tls://, ws:// or wss:// URL, got %q", redactURL(raw))
		}
	}
	return nil
}

func checkEmail(addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("want an email address such as admin@example.com, got %q", addr)
	}
	return nil
}
