package config

import (
	"flag"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// setting ties one Config field to its environment variable, its flag and
// its line in the usage. The table below is the only list of settings, so
// the environment, the flags and -h cannot drift apart.
type setting struct {
	group string
	env   string
	flag  string
	def   string // as shown in the usage
	usage string
	// value parses both the environment variable and the flag, so the two
	// accept the same input and fail with the same message.
	value flag.Value
}

const (
	groupServer  = "Server"
	groupStorage = "Storage"
	groupCluster = "Cluster"
	groupMail    = "Email"
	groupFirst   = "First run"
	groupLogging = "Logging"
)

// groups is the order of the sections in the usage.
var groups = []string{groupServer, groupStorage, groupCluster, groupMail, groupFirst, groupLogging}

func (c *Config) settings() []setting {
	return []setting{
		{groupServer, "KEFU_ADDR", "addr", `":8080"`,
			"Address the HTTP server listens on, host:port. \":8080\" listens on every interface.",
			(*stringValue)(&c.Addr)},
		{groupServer, "KEFU_PUBLIC_URL", "public-url", "http://localhost:<port of addr>",
			"Absolute http(s) URL, without a path, under which browsers reach kefu. Used in the widget snippet and in links. Set it behind a proxy or TLS terminator.",
			(*stringValue)(&c.PublicURL)},
		{groupServer, "KEFU_SECRET", "secret", "generated, kept in <data dir>/secret.key",
			"Key that signs session and access tokens, at least 32 bytes. Give every node the same one. Prefer the environment: flags show in the process list.",
			(*stringValue)(&c.Secret)},
		{groupServer, "KEFU_METRICS_TOKEN", "metrics-token", "empty: /metrics answers this machine only",
			"Bearer token a Prometheus on another machine shows to read /metrics. Prefer the environment.",
			(*stringValue)(&c.MetricsToken)},
		{groupServer, "KEFU_TRUSTED_PROXIES", "trusted-proxies", "empty: trust no proxy",
			"Comma-separated IPs or CIDRs of reverse proxies whose X-Forwarded-For names the client. Rate limits are per client IP, so set it behind a proxy.",
			(*listValue)(&c.TrustedProxies)},
		{groupServer, "KEFU_RATE_VISITOR", "rate-visitor", "20",
			"Websocket frames one visitor (or agent) may send per 10 seconds, in bursts of half that.",
			(*intValue)(&c.RateVisitor)},
		{groupServer, "KEFU_RATE_IP", "rate-ip", "120",
			"Websocket frames and widget requests one client IP may send per 10 seconds.",
			(*intValue)(&c.RateIP)},
		{groupServer, "KEFU_RATE_LOGIN", "rate-login", "10",
			"Login attempts one client IP may make per minute, in bursts of half that. Raise it when many agents share one address, such as an office behind NAT.",
			(*intValue)(&c.RateLogin)},
		{groupServer, "KEFU_RATE_SITE", "rate-site", "0: no site budget",
			"Websocket frames all visitors and agents of one site may send together per 10 seconds. A budget lets a few visitors, each within their own limits, use it up for everyone; leave it at 0 unless you need a cap.",
			(*intValue)(&c.RateSite)},
		{groupServer, "KEFU_SHUTDOWN_TIMEOUT", "shutdown-timeout", "10s",
			"How long a graceful shutdown may take before connections are cut, as a Go duration (30s, 1m).",
			(*durationValue)(&c.ShutdownTimeout)},

		{groupStorage, "KEFU_DATA_DIR", "data-dir", `"./data"`,
			"Folder for the embedded database, the search index and the generated secret.",
			(*stringValue)(&c.DataDir)},
		{groupStorage, "KEFU_MONGODB_URI", "mongodb-uri", "empty: embedded SQLite database in the data dir",
			"MongoDB connection string (mongodb:// or mongodb+srv://). Use a replica set so majority and retryable writes work.",
			(*stringValue)(&c.MongoDBURI)},
		{groupStorage, "KEFU_MONGODB_DATABASE", "mongodb-database", `"kefu"`,
			"Database name on MongoDB. The embedded store is one file, <data dir>/db/kefu.db.",
			(*stringValue)(&c.MongoDBDatabase)},

		{groupStorage, "KEFU_KEEP_VISITORS_DAYS", "keep-visitors-days", "30",
			"Days an anonymous visitor who never started a chat is kept after last seen. 0 keeps them forever.",
			(*intValue)(&c.KeepVisitorsDays)},
		{groupStorage, "KEFU_KEEP_RESOLVED_DAYS", "keep-resolved-days", "0: forever",
			"Days a resolved conversation and its messages are kept after their last change. 0 keeps them forever.",
			(*intValue)(&c.KeepResolvedDays)},
		{groupCluster, "KEFU_NATS_URL", "nats-url", "empty: in-process bus, one node",
			"NATS server URL(s), comma-separated (nats://host:4222). Set it on every node so they share live events.",
			(*stringValue)(&c.NATSURL)},

		{groupMail, "KEFU_SMTP_URL", "smtp-url", "empty: kefu sends no email",
			"SMTP server for kefu's email: smtp://USER:PASSWORD@HOST:587?from=kefu@example.com (STARTTLS whenever the server offers it) or smtps://…:465 (TLS from the start); &name=… sets the sender's display name. With it, agents' replies to offline messages are emailed to the visitor, with a link back into the chat. Prefer the environment: flags show in the process list.",
			(*stringValue)(&c.SMTPURL)},
		{groupMail, "KEFU_UNANSWERED_ALERT_MINUTES", "unanswered-alert-minutes", "0: no alerts",
			"Email a site's agents (the assignee, or all of them) once about an open conversation that has waited this many minutes for its first answer. Needs KEFU_SMTP_URL.",
			(*intValue)(&c.UnansweredAlertMinutes)},

		{groupFirst, "KEFU_SITE_KEY", "site-key", `"demo"`,
			"Key of the site created on first run: the data-site value of the widget snippet. Letters, digits, _ and -, at most 64.",
			(*stringValue)(&c.SiteKey)},
		{groupFirst, "KEFU_ADMIN_EMAIL", "admin-email", `"admin@example.com"`,
			"Email of the owner agent created on first run.",
			(*stringValue)(&c.AdminEmail)},
		{groupFirst, "KEFU_ADMIN_PASSWORD", "admin-password", "empty: generated on first run and printed once",
			"Password of that owner, at least 8 characters. Only used when the owner is created; later a different one is logged as ignored (use kefu admin reset-password). Prefer the environment.",
			(*stringValue)(&c.AdminPassword)},
		{groupFirst, "KEFU_ALLOWED_ORIGINS", "allowed-origins", "empty: any origin",
			"Comma-separated origins (https://shop.example.com) allowed to embed the first-run site's widget. Only used when the site is created; later other ones are logged as ignored.",
			(*listValue)(&c.AllowedOrigins)},
		{groupFirst, "KEFU_DEMO", "demo", "true",
			"Serve a demo page with the widget and a link to the inbox at /.",
			(*boolValue)(&c.Demo)},

		{groupLogging, "KEFU_LOG_LEVEL", "log-level", "info",
			"Least severe level logged: debug, info, warn or error.",
			(*stringValue)(&c.LogLevel)},
		{groupLogging, "KEFU_LOG_FORMAT", "log-format", "text",
			"Log format: text (key=value) or json.",
			(*stringValue)(&c.LogFormat)},
	}
}

type stringValue string

func (v *stringValue) String() string     { return string(*v) }
func (v *stringValue) Set(s string) error { *v = stringValue(strings.TrimSpace(s)); return nil }

type boolValue bool

func (v *boolValue) String() string   { return strconv.FormatBool(bool(*v)) }
func (v *boolValue) IsBoolFlag() bool { return true }
func (v *boolValue) Set(s string) error {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "t", "true", "yes", "on":
		*v = true
	case "0", "f", "false", "no", "off":
		*v = false
	default:
		return fmt.Errorf("want true or false, got %q", s)
	}
	return nil
}

type intValue int

func (v *intValue) String() string { return strconv.Itoa(int(*v)) }
func (v *intValue) Set(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a whole number, got %q", s)
	}
	*v = intValue(n)
	return nil
}

type durationValue time.Duration

func (v *durationValue) String() string { return time.Duration(*v).String() }
func (v *durationValue) Set(s string) error {
	d, err := time.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return fmt.Errorf("want a duration such as 10s or 1m, got %q", s)
	}
	*v = durationValue(d)
	return nil
}

// listValue is a comma-separated list. Setting it replaces the list, so a
// flag overrides the environment instead of adding to it.
type listValue []string

func (v *listValue) String() string { return strings.Join(*v, ",") }
func (v *listValue) Set(s string) error {
	var out []string
	for _, item := range strings.Split(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	*v = out
	return nil
}
