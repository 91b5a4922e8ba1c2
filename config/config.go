// Package config holds kefu's settings in one struct.
//
// A Config is built in four steps, each overriding the one before: the
// defaults, the KEFU_* environment variables, the command-line flags, and
// finally Validate, which reports every problem at once. The struct is then
// passed down explicitly; nothing in kefu reads the environment on its own.
package config

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/kefu/kefu/chat"
)

// Config is every setting of one kefu process. The zero value is not useful;
// start from Default or Load.
type Config struct {
	// Addr is the host:port the HTTP server listens on.
	Addr string
	// PublicURL is the absolute http(s) URL, without a path, under which
	// browsers reach this server. It goes into the widget snippet and the
	// inbox links. Empty means "derive it from the listener once it is
	// bound" (see DerivePublicURL); Load fills it from Addr when it can.
	PublicURL string
	// DataDir holds the embedded database, the search index and the
	// generated secret key.
	DataDir string
	// MongoDBURI points at a real MongoDB. Empty uses the embedded SQLite
	// database under DataDir.
	MongoDBURI string
	// MongoDBDatabase is the database name on MongoDB.
	MongoDBDatabase string
	// KeepVisitorsDays is how long an anonymous visitor who never started
	// a conversation is kept after last seen; 0 keeps them forever.
	KeepVisitorsDays int
	// KeepResolvedDays is how long a resolved conversation is kept after
	// its last change; 0 keeps it forever.
	KeepResolvedDays int
	// NATSURL points at NATS servers (comma-separated) that let several
	// nodes share the work. Empty uses the in-process bus.
	NATSURL string
	// Secret signs tokens. Empty uses a random key kept in DataDir; see
	// SecretKey.
	Secret string
	// AdminEmail is the owner agent created on first run.
	AdminEmail string
	// AdminPassword is that owner's password. Empty generates one on first
	// run and prints it once.
	AdminPassword string
	// SiteKey is the key of the site created on first run, the data-site
	// value of the widget snippet.
	SiteKey string
	// LogLevel is debug, info, warn or error; see Level.
	LogLevel string
	// LogFormat is text or json.
	LogFormat string
	// ShutdownTimeout bounds a graceful shutdown.
	ShutdownTimeout time.Duration
	// Demo serves the demo page at /.
	Demo bool
	// MetricsToken is the bearer token /metrics asks for; empty serves
	// metrics to this machine only.
	MetricsToken string
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For header names the client.
	TrustedProxies []string
	// RateVisitor is how many websocket frames one visitor or agent may
	// send per 10 seconds.
	RateVisitor int
	// RateIP is how many frames and widget requests one client IP may send
	// per 10 seconds.
	RateIP int
	// RateLogin is how many login attempts one client IP may make per
	// minute.
	RateLogin int
	// RateSite is how many frames all of one site's sockets may send
	// together per 10 seconds.
	RateSite int
	// SMTPURL names the SMTP server kefu sends email through (see
	// mail.ParseURL); empty sends none.
	SMTPURL string
	// UnansweredAlertMinutes, when positive, is how long an open
	// conversation waits for its first answer before the site's agents
	// are emailed about it, once. It needs SMTPURL.
	UnansweredAlertMinutes int
	// AllowedOrigins are the origins (scheme://host[:port]) that may embed
	// the first-run site's widget. Empty allows any origin.
	AllowedOrigins []string
}

// Default returns the settings kefu uses when nothing is configured.
// PublicURL is left empty: Load derives it from Addr.
func Default() Config {
	return Config{
		Addr:             ":8080",
		DataDir:          "./data",
		MongoDBDatabase:  "kefu",
		AdminEmail:       "admin@example.com",
		SiteKey:          "demo",
		LogLevel:         "info",
		LogFormat:        "text",
		ShutdownTimeout:  10 * time.Second,
		Demo:             true,
		RateVisitor:      20,
		RateIP:           120,
		RateLogin:        10,
		KeepVisitorsDays: 30,
	}
}

// Load builds a Config from the defaults, then the environment read through
// getenv (os.Getenv in main, a map in tests), then args (os.Args[1:]), and
// validates it.
//
// For -h or --help it writes the usage to stdout and returns flag.ErrHelp.
// A bad flag returns an error that names it. Problems with values, from the
// environment or from flags, are collected into one *ValidationError.
func Load(args []string, getenv func(string) string, stdout io.Writer) (Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	if stdout == nil {
		stdout = io.Discard
	}
	c := Default()
	settings := c.settings()

	// A value in the environment that does not parse is only a problem if
	// no flag overrides it, so remember it per setting until flags are in.
	envProblems := make(map[string]string)
	for _, s := range settings {
		v := getenv(s.env)
		if v == "" {
			continue
		}
		if err := s.value.Set(v); err != nil {
			envProblems[s.flag] = fmt.Sprintf("%s: %v", s.env, err)
		}
	}

	fs := flag.NewFlagSet("kefu", flag.ContinueOnError)
	// The flag package would print the error and the usage itself; kefu
	// prints the usage only on request and returns errors to the caller.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for _, s := range settings {
		fs.Var(s.value, s.flag, s.usage)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			writeUsage(stdout, settings)
			return Config{}, flag.ErrHelp
		}
		return Config{}, fmt.Errorf("config: %w (run kefu -h for help)", err)
	}
	if fs.NArg() > 0 {
		return Config{}, fmt.Errorf("config: unexpected argument %q: kefu takes only flags (run kefu -h for help)", fs.Arg(0))
	}
	fs.Visit(func(f *flag.Flag) { delete(envProblems, f.Name) })

	c.normalize()

	var problems []string
	for _, s := range settings { // in table order, for stable messages
		if p, ok := envProblems[s.flag]; ok {
			problems = append(problems, p)
		}
	}
	if err := c.Validate(); err != nil {
		var ve *ValidationError
		if !errors.As(err, &ve) {
			return Config{}, err
		}
		problems = append(problems, ve.Problems...)
	}
	if len(problems) > 0 {
		return Config{}, &ValidationError{Problems: problems}
	}
	return c, nil
}

// normalize puts values that have several spellings into one, so that the
// rest of kefu can compare them plainly.
func (c *Config) normalize() {
	if c.PublicURL == "" {
		c.PublicURL = DerivePublicURL(c.Addr)
	}
	c.PublicURL = strings.TrimSuffix(c.PublicURL, "/")
	c.LogLevel = strings.ToLower(c.LogLevel)
	c.LogFormat = strings.ToLower(c.LogFormat)
	for i, o := range c.AllowedOrigins {
		// Browsers send origins lower-case and without a trailing slash.
		c.AllowedOrigins[i] = strings.ToLower(strings.TrimSuffix(o, "/"))
	}
}

// DerivePublicURL returns the URL a browser on this machine would use for a
// server listening on addr: http://localhost:PORT for a wildcard host,
// http://HOST:PORT otherwise. It returns "" when addr has no usable port,
// including port 0, whose real port is only known once the listener is
// bound; call it again with the listener's address then.
func DerivePublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return ""
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return ""
	}
	switch host {
	case "", "0.0.0.0", "::", "[::]":
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}

// Level returns LogLevel as a slog.Level, or slog.LevelInfo if it is not
// one of debug, info, warn and error.
func (c Config) Level() slog.Level {
	switch strings.ToLower(c.LogLevel) {
	case "debug":
		return slog.LevelDebug
	case "warn", "warning":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Retention is the retention policy the settings describe.
func (c Config) Retention() chat.RetentionPolicy {
	return chat.RetentionPolicy{
		IdleVisitors: time.Duration(c.KeepVisitorsDays) * 24 * time.Hour,
		Resolved:     time.Duration(c.KeepResolvedDays) * 24 * time.Hour,
		// A day: an upload is sent within seconds, and a file is recorded
		// within a moment of being kept; a day leaves room for clocks and
		// for a node that was down.
		Leftovers: 24 * time.Hour,
	}
}

// Embedded reports whether kefu runs its own embedded database.
func (c Config) Embedded() bool { return c.MongoDBURI == "" }

// SecretKey returns the key that signs tokens: Secret when it is set, or the
// key kept in DataDir, created on first use (see LoadOrCreateSecret).
func (c Config) SecretKey() ([]byte, error) {
	if c.Secret != "" {
		return []byte(c.Secret), nil
	}
	return LoadOrCreateSecret(c.DataDir)
}
