package config

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"testing"
	"time"
)

// env returns a getenv over m.
func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

// diff lists the fields in which got and want differ. It prints raw values
// because Config's own String hides the secrets this test needs to see.
func diff(got, want Config) string {
	var b strings.Builder
	gv, wv := reflect.ValueOf(got), reflect.ValueOf(want)
	for i := 0; i < gv.NumField(); i++ {
		g, w := gv.Field(i).Interface(), wv.Field(i).Interface()
		if !reflect.DeepEqual(g, w) {
			fmt.Fprintf(&b, "\n  %s: got %#v, want %#v", gv.Type().Field(i).Name, g, w)
		}
	}
	return b.String()
}

const goodSecret = "0123456789abcdef0123456789abcdef" // 32 bytes

func TestLoad(t *testing.T) {
	allEnv := map[string]string{
		"KEFU_ADDR":               "127.0.0.1:9000",
		"KEFU_PUBLIC_URL":         "https://chat.example.com/",
		"KEFU_DATA_DIR":           "/var/lib/kefu",
		"KEFU_MONGODB_URI":        "mongodb://mongo:27017/?replicaSet=rs0",
		"KEFU_MONGODB_DATABASE":   "support",
		"KEFU_NATS_URL":           "nats://nats:4222",
		"KEFU_SECRET":             goodSecret,
		"KEFU_ADMIN_EMAIL":        "owner@shop.example.com",
		"KEFU_ADMIN_PASSWORD":     "correct horse",
		"KEFU_SITE_KEY":           "shop_1",
		"KEFU_LOG_LEVEL":          "DEBUG",
		"KEFU_LOG_FORMAT":         "json",
		"KEFU_SHUTDOWN_TIMEOUT":   "30s",
		"KEFU_DEMO":               "false",
		"KEFU_ALLOWED_ORIGINS":    "https://shop.example.com, https://www.shop.example.com",
		"KEFU_TRUSTED_PROXIES":    "10.0.0.0/8, 192.168.1.1",
		"KEFU_RATE_VISITOR":       "40",
		"KEFU_RATE_IP":            "500",
		"KEFU_RATE_LOGIN":         "60",
		"KEFU_RATE_SITE":          "9000",
		"KEFU_METRICS_TOKEN":      "scrape-token",
		"KEFU_KEEP_VISITORS_DAYS": "7",
		"KEFU_KEEP_RESOLVED_DAYS": "365",
		"KEFU_SMTP_URL":           "smtp://kefu:pw@mail.example.com?from=kefu@example.com",
	}
	fromEnv := Config{
		TrustedProxies:   []string{"10.0.0.0/8", "192.168.1.1"},
		RateVisitor:      40,
		RateIP:           500,
		RateLogin:        60,
		RateSite:         9000,
		MetricsToken:     "scrape-token",
		KeepVisitorsDays: 7,
		KeepResolvedDays: 365,
		SMTPURL:          "smtp://kefu:pw@mail.example.com?from=kefu@example.com",
		Addr:             "127.0.0.1:9000",
		PublicURL:        "https://chat.example.com",
		DataDir:          "/var/lib/kefu",
		MongoDBURI:       "mongodb://mongo:27017/?replicaSet=rs0",
		MongoDBDatabase:  "support",
		NATSURL:          "nats://nats:4222",
		Secret:           goodSecret,
		AdminEmail:       "owner@shop.example.com",
		AdminPassword:    "correct horse",
		SiteKey:          "shop_1",
		LogLevel:         "debug",
		LogFormat:        "json",
		ShutdownTimeout:  30 * time.Second,
		Demo:             false,
		AllowedOrigins:   []string{"https://shop.example.com", "https://www.shop.example.com"},
	}
	defaults := Default()
	defaults.PublicURL = "http://localhost:8080"

	tests := []struct {
		name string
		env  map[string]string
		args []string
		want func(c *Config)
		base *Config // defaults when nil
	}{
		{name: "defaults"},
		{name: "env overrides every default", env: allEnv, base: &fromEnv},
		{
			name: "flags override env",
			env:  allEnv,
			args: []string{
				"-addr", ":7000",
				"-public-url", "http://10.0.0.5:7000",
				"-data-dir", "/tmp/kefu",
				"-mongodb-uri", "mongodb+srv://cluster.example.net/",
				"-mongodb-database", "kefu2",
				"-nats-url", "nats://a:4222,nats://b:4222",
				"-secret", strings.Repeat("s", 40),
				"-admin-email", "boss@example.org",
				"-admin-password", "hunter2hunter2",
				"-site-key", "other-site",
				"-log-level", "warn",
				"-log-format", "text",
				"-shutdown-timeout", "1m",
				"-demo",
				"-allowed-origins", "http://localhost:3000",
				"-trusted-proxies", "127.0.0.1",
				"-rate-visitor", "7",
				"-rate-ip", "70",
				"-rate-login", "7",
				"-rate-site", "700",
				"-metrics-token", "other-token",
				"-keep-visitors-days", "0",
				"-keep-resolved-days", "90",
				"-smtp-url", "smtps://mail2.example.com?from=help@example.org",
			},
			base: &fromEnv,
			want: func(c *Config) {
				*c = Config{
					Addr:             ":7000",
					PublicURL:        "http://10.0.0.5:7000",
					DataDir:          "/tmp/kefu",
					MongoDBURI:       "mongodb+srv://cluster.example.net/",
					MongoDBDatabase:  "kefu2",
					NATSURL:          "nats://a:4222,nats://b:4222",
					Secret:           strings.Repeat("s", 40),
					AdminEmail:       "boss@example.org",
					AdminPassword:    "hunter2hunter2",
					SiteKey:          "other-site",
					LogLevel:         "warn",
					LogFormat:        "text",
					ShutdownTimeout:  time.Minute,
					Demo:             true,
					AllowedOrigins:   []string{"http://localhost:3000"},
					TrustedProxies:   []string{"127.0.0.1"},
					RateVisitor:      7,
					RateIP:           70,
					RateLogin:        7,
					RateSite:         700,
					MetricsToken:     "other-token",
					KeepResolvedDays: 90,
					SMTPURL:          "smtps://mail2.example.com?from=help@example.org",
				}
			},
		},
		{
			name: "double-dash flags",
			args: []string{"--addr=:9999", "--demo=false"},
			want: func(c *Config) { c.Addr, c.PublicURL, c.Demo = ":9999", "http://localhost:9999", false },
		},
		{
			name: "public URL derived from a specific host",
			env:  map[string]string{"KEFU_ADDR": "192.168.1.2:8081"},
			want: func(c *Config) { c.Addr, c.PublicURL = "192.168.1.2:8081", "http://192.168.1.2:8081" },
		},
		{
			name: "public URL left for the listener when the port is 0",
			env:  map[string]string{"KEFU_ADDR": "127.0.0.1:0"},
			want: func(c *Config) { c.Addr, c.PublicURL = "127.0.0.1:0", "" },
		},
		{
			name: "flag fixes a bad environment value",
			env:  map[string]string{"KEFU_DEMO": "maybe", "KEFU_SHUTDOWN_TIMEOUT": "soon"},
			args: []string{"-demo=false", "-shutdown-timeout=5s"},
			want: func(c *Config) { c.Demo, c.ShutdownTimeout = false, 5*time.Second },
		},
		{
			name: "boolean spellings",
			env:  map[string]string{"KEFU_DEMO": "off"},
			want: func(c *Config) { c.Demo = false },
		},
		{
			name: "origins trimmed, lower-cased, empty items dropped",
			env:  map[string]string{"KEFU_ALLOWED_ORIGINS": " https://Shop.Example.com/ ,, http://localhost:3000 ,"},
			want: func(c *Config) {
				c.AllowedOrigins = []string{"https://shop.example.com", "http://localhost:3000"}
			},
		},
		{
			name: "empty flag clears the origins from env",
			env:  map[string]string{"KEFU_ALLOWED_ORIGINS": "https://shop.example.com"},
			args: []string{"-allowed-origins="},
			want: func(c *Config) { c.AllowedOrigins = nil },
		},
		{
			name: "values are trimmed",
			env:  map[string]string{"KEFU_SITE_KEY": " demo2\n", "KEFU_LOG_FORMAT": "JSON"},
			want: func(c *Config) { c.SiteKey, c.LogFormat = "demo2", "json" },
		},
		{
			name: "mongodb seed list",
			env:  map[string]string{"KEFU_MONGODB_URI": "mongodb://u:p@db1,db2:27018/?replicaSet=rs0"},
			want: func(c *Config) { c.MongoDBURI = "mongodb://u:p@db1,db2:27018/?replicaSet=rs0" },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			got, err := Load(tt.args, env(tt.env), &out)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			want := defaults
			if tt.base != nil {
				want = *tt.base
			}
			if tt.want != nil {
				tt.want(&want)
			}
			if d := diff(got, want); d != "" {
				t.Errorf("Load differs:%s", d)
			}
			if out.Len() != 0 {
				t.Errorf("Load wrote %q; it should print only for -h", out.String())
			}
		})
	}
}

func TestLoadProblems(t *testing.T) {
	tests := []struct {
		name string
		env  map[string]string
		args []string
		// want is the one problem expected: it must start with the
		// variable's name and contain the rest.
		wantEnv, want string
	}{
		{name: "addr without port", env: map[string]string{"KEFU_ADDR": "8080"}, wantEnv: "KEFU_ADDR", want: "want host:port"},
		{name: "addr port out of range", env: map[string]string{"KEFU_ADDR": ":99999"}, wantEnv: "KEFU_ADDR", want: "port number"},
		{name: "addr named port", env: map[string]string{"KEFU_ADDR": ":http"}, wantEnv: "KEFU_ADDR", want: "port number"},
		{name: "public URL not absolute", env: map[string]string{"KEFU_PUBLIC_URL": "chat.example.com"}, wantEnv: "KEFU_PUBLIC_URL", want: "absolute http(s) URL"},
		{name: "public URL wrong scheme", env: map[string]string{"KEFU_PUBLIC_URL": "ftp://chat.example.com"}, wantEnv: "KEFU_PUBLIC_URL", want: "absolute http(s) URL"},
		{name: "public URL with path", env: map[string]string{"KEFU_PUBLIC_URL": "https://example.com/chat"}, wantEnv: "KEFU_PUBLIC_URL", want: "without a path"},
		{name: "public URL with query", env: map[string]string{"KEFU_PUBLIC_URL": "https://example.com?x=1"}, wantEnv: "KEFU_PUBLIC_URL", want: "without a path, query"},
		{name: "public URL with user", env: map[string]string{"KEFU_PUBLIC_URL": "https://u:pw@example.com"}, wantEnv: "KEFU_PUBLIC_URL", want: "user or password"},
		{name: "public URL bad port", env: map[string]string{"KEFU_PUBLIC_URL": "https://example.com:0"}, wantEnv: "KEFU_PUBLIC_URL", want: "bad port"},
		{name: "public URL unparsable", env: map[string]string{"KEFU_PUBLIC_URL": "http://[::1"}, wantEnv: "KEFU_PUBLIC_URL", want: "absolute http(s) URL"},
		{name: "empty data dir", args: []string{"-data-dir="}, wantEnv: "KEFU_DATA_DIR", want: "must not be empty"},
		{name: "mongodb URI wrong scheme", env: map[string]string{"KEFU_MONGODB_URI": "postgres://db/kefu"}, wantEnv: "KEFU_MONGODB_URI", want: "mongodb://"},
		{name: "mongodb URI without host", env: map[string]string{"KEFU_MONGODB_URI": "mongodb:///kefu"}, wantEnv: "KEFU_MONGODB_URI", want: "no host"},
		{name: "database with dot", env: map[string]string{"KEFU_MONGODB_DATABASE": "kefu.prod"}, wantEnv: "KEFU_MONGODB_DATABASE", want: `must not contain '.'`},
		{name: "database too long", env: map[string]string{"KEFU_MONGODB_DATABASE": strings.Repeat("k", 64)}, wantEnv: "KEFU_MONGODB_DATABASE", want: "at most 63"},
		{name: "empty database", args: []string{"-mongodb-database="}, wantEnv: "KEFU_MONGODB_DATABASE", want: "must not be empty"},
		{name: "nats URL wrong scheme", env: map[string]string{"KEFU_NATS_URL": "http://nats:4222"}, wantEnv: "KEFU_NATS_URL", want: "nats://"},
		{name: "nats URL second server bad", env: map[string]string{"KEFU_NATS_URL": "nats://a:4222,b:4222"}, wantEnv: "KEFU_NATS_URL", want: "nats://host:port"},
		{name: "smtp URL wrong scheme", env: map[string]string{"KEFU_SMTP_URL": "http://mail?from=a@b.c"}, wantEnv: "KEFU_SMTP_URL", want: "smtp:// or smtps://"},
		{name: "smtp URL without from", env: map[string]string{"KEFU_SMTP_URL": "smtp://u:smtp-pw@mail"}, wantEnv: "KEFU_SMTP_URL", want: "?from="},
		{name: "alerts without smtp", env: map[string]string{"KEFU_UNANSWERED_ALERT_MINUTES": "10"}, wantEnv: "KEFU_UNANSWERED_ALERT_MINUTES", want: "needs KEFU_SMTP_URL"},
		{name: "negative alert minutes", env: map[string]string{"KEFU_UNANSWERED_ALERT_MINUTES": "-1"}, wantEnv: "KEFU_UNANSWERED_ALERT_MINUTES", want: "0 (no alerts)"},
		{name: "short secret", env: map[string]string{"KEFU_SECRET": "too-short"}, wantEnv: "KEFU_SECRET", want: "at least 32 bytes, got 9"},
		{name: "email without at", env: map[string]string{"KEFU_ADMIN_EMAIL": "admin"}, wantEnv: "KEFU_ADMIN_EMAIL", want: "email address"},
		{name: "email with display name", env: map[string]string{"KEFU_ADMIN_EMAIL": "Boss <boss@example.com>"}, wantEnv: "KEFU_ADMIN_EMAIL", want: "email address"},
		{name: "empty email", args: []string{"-admin-email="}, wantEnv: "KEFU_ADMIN_EMAIL", want: "email address"},
		{name: "short password", env: map[string]string{"KEFU_ADMIN_PASSWORD": "1234567"}, wantEnv: "KEFU_ADMIN_PASSWORD", want: "at least 8 characters"},
		{name: "site key with space", env: map[string]string{"KEFU_SITE_KEY": "my site"}, wantEnv: "KEFU_SITE_KEY", want: "letters, digits"},
		{name: "site key too long", env: map[string]string{"KEFU_SITE_KEY": strings.Repeat("a", 65)}, wantEnv: "KEFU_SITE_KEY", want: "1 to 64"},
		{name: "empty site key", args: []string{"-site-key="}, wantEnv: "KEFU_SITE_KEY", want: "1 to 64"},
		{name: "unknown log level", env: map[string]string{"KEFU_LOG_LEVEL": "verbose"}, wantEnv: "KEFU_LOG_LEVEL", want: "debug, info, warn or error"},
		{name: "unknown log format", env: map[string]string{"KEFU_LOG_FORMAT": "xml"}, wantEnv: "KEFU_LOG_FORMAT", want: "text or json"},
		{name: "unparsable shutdown timeout", env: map[string]string{"KEFU_SHUTDOWN_TIMEOUT": "soon"}, wantEnv: "KEFU_SHUTDOWN_TIMEOUT", want: "duration"},
		{name: "zero shutdown timeout", env: map[string]string{"KEFU_SHUTDOWN_TIMEOUT": "0s"}, wantEnv: "KEFU_SHUTDOWN_TIMEOUT", want: "positive"},
		{name: "negative shutdown timeout", args: []string{"-shutdown-timeout=-1s"}, wantEnv: "KEFU_SHUTDOWN_TIMEOUT", want: "positive"},
		{name: "zero visitor rate", env: map[string]string{"KEFU_RATE_VISITOR": "0"}, wantEnv: "KEFU_RATE_VISITOR", want: "at least 1"},
		{name: "zero login rate", env: map[string]string{"KEFU_RATE_LOGIN": "0"}, wantEnv: "KEFU_RATE_LOGIN", want: "at least 1"},
		{name: "negative visitor retention", env: map[string]string{"KEFU_KEEP_VISITORS_DAYS": "-1"}, wantEnv: "KEFU_KEEP_VISITORS_DAYS", want: "0 (forever) or more"},
		{name: "negative resolved retention", args: []string{"-keep-resolved-days=-3"}, wantEnv: "KEFU_KEEP_RESOLVED_DAYS", want: "0 (forever) or more"},
		{name: "negative site rate", env: map[string]string{"KEFU_RATE_SITE": "-1"}, wantEnv: "KEFU_RATE_SITE", want: "0 (no budget) or more"},
		{name: "unparsable IP rate", env: map[string]string{"KEFU_RATE_IP": "many"}, wantEnv: "KEFU_RATE_IP", want: "whole number"},
		{name: "bad trusted proxy", env: map[string]string{"KEFU_TRUSTED_PROXIES": "10.0.0.0/33"}, wantEnv: "KEFU_TRUSTED_PROXIES", want: "CIDR"},
		{name: "unparsable demo", env: map[string]string{"KEFU_DEMO": "maybe"}, wantEnv: "KEFU_DEMO", want: "true or false"},
		{name: "star origin", env: map[string]string{"KEFU_ALLOWED_ORIGINS": "*"}, wantEnv: "KEFU_ALLOWED_ORIGINS", want: "leave the list empty"},
		{name: "origin with path", env: map[string]string{"KEFU_ALLOWED_ORIGINS": "https://shop.example.com/cart"}, wantEnv: "KEFU_ALLOWED_ORIGINS", want: "without a path"},
		{name: "origin without scheme", env: map[string]string{"KEFU_ALLOWED_ORIGINS": "https://ok.example.com,shop.example.com"}, wantEnv: "KEFU_ALLOWED_ORIGINS", want: "absolute http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args, env(tt.env), nil)
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Load error = %v, want a *ValidationError", err)
			}
			if len(ve.Problems) != 1 {
				t.Fatalf("got %d problems, want 1:\n%v", len(ve.Problems), err)
			}
			p := ve.Problems[0]
			if !strings.HasPrefix(p, tt.wantEnv+": ") || !strings.Contains(p, tt.want) {
				t.Errorf("problem = %q, want %q followed by something containing %q", p, tt.wantEnv+": ", tt.want)
			}
		})
	}
}

func TestLoadCollectsEveryProblem(t *testing.T) {
	_, err := Load([]string{"-log-format=xml"}, env(map[string]string{
		"KEFU_ADDR":   "nope",
		"KEFU_DEMO":   "maybe",
		"KEFU_SECRET": "short",
	}), nil)
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Load error = %v, want a *ValidationError", err)
	}
	var got []string
	for _, p := range ve.Problems {
		got = append(got, p[:strings.Index(p, ":")])
	}
	// Unparsable values come first, then Validate's checks in table order.
	want := []string{"KEFU_DEMO", "KEFU_ADDR", "KEFU_SECRET", "KEFU_LOG_FORMAT"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("problems for %v, want %v:\n%v", got, want, err)
	}
	if msg := err.Error(); !strings.HasPrefix(msg, "config: 4 problems:\n  KEFU_DEMO: ") {
		t.Errorf("error message = %q, want a list of 4 problems", msg)
	}
}

func TestLoadBadArguments(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "unknown flag", args: []string{"-verbose"}, want: "-verbose"},
		{name: "flag value that does not parse", args: []string{"-demo=maybe"}, want: "want true or false"},
		{name: "flag without value", args: []string{"-addr"}, want: "-addr"},
		{name: "positional argument", args: []string{"serve"}, want: `unexpected argument "serve"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args, nil, nil)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Load error = %v, want one containing %q", err, tt.want)
			}
			if !strings.Contains(err.Error(), "kefu -h") {
				t.Errorf("error %q should point to kefu -h", err)
			}
		})
	}
}

func TestHelp(t *testing.T) {
	for _, arg := range []string{"-h", "--help", "-help"} {
		t.Run(arg, func(t *testing.T) {
			var out bytes.Buffer
			_, err := Load([]string{arg}, nil, &out)
			if !errors.Is(err, flag.ErrHelp) {
				t.Fatalf("Load(%s) error = %v, want flag.ErrHelp", arg, err)
			}
			help := out.String()
			var c Config
			for _, s := range c.settings() {
				line := fmt.Sprintf("  -%s, %s\n", s.flag, s.env)
				if !strings.Contains(help, line) {
					t.Errorf("help lacks %q", line)
				}
			}
			for _, want := range []string{"Usage:", "Default: \":8080\"", "Default: \"demo\"", "Examples:", "First run:"} {
				if !strings.Contains(help, want) {
					t.Errorf("help lacks %q", want)
				}
			}
			if got := strings.Count(help, "Default: "); got != len(c.settings()) {
				t.Errorf("help shows %d defaults, want one per setting (%d)", got, len(c.settings()))
			}
		})
	}
}

func TestValidateDefaults(t *testing.T) {
	if err := Default().Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}

func TestDerivePublicURL(t *testing.T) {
	tests := []struct{ name, addr, want string }{
		{"any interface", ":8080", "http://localhost:8080"},
		{"ipv4 wildcard", "0.0.0.0:80", "http://localhost:80"},
		{"ipv6 wildcard", "[::]:8080", "http://localhost:8080"},
		{"host", "127.0.0.1:9000", "http://127.0.0.1:9000"},
		{"ipv6 host", "[::1]:9000", "http://[::1]:9000"},
		{"port 0", "127.0.0.1:0", ""},
		{"no port", "localhost", ""},
		{"port out of range", ":99999", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DerivePublicURL(tt.addr); got != tt.want {
				t.Errorf("DerivePublicURL(%q) = %q, want %q", tt.addr, got, tt.want)
			}
		})
	}
}

func TestLevel(t *testing.T) {
	tests := []struct {
		level string
		want  slog.Level
	}{
		{"debug", slog.LevelDebug}, {"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError},
	}
	for _, tt := range tests {
		t.Run(tt.level, func(t *testing.T) {
			if got := (Config{LogLevel: tt.level}).Level(); got != tt.want {
				t.Errorf("Level() = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	c := Default()
	c.Secret = "super-secret-signing-key-0123456789"
	c.AdminPassword = "admin-password-42"
	c.MongoDBURI = "mongodb://kefu:mongo-pass-77@db1,db2/?replicaSet=rs0"
	c.NATSURL = "nats://nats-token-99@nats:4222,nats://u:nats-pass-55@nats2:4222"
	c.MetricsToken = "metrics-token-31"
	c.SMTPURL = "smtps://kefu:smtp-pass-13@mail.example.com?from=kefu@example.com"
	secrets := []string{"super-secret-signing-key", "admin-password-42", "mongo-pass-77", "nats-token-99", "nats-pass-55", "metrics-token-31", "smtp-pass-13"}

	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("config", "config", c)
	outputs := map[string]string{
		"%v":       fmt.Sprintf("%v", c),
		"%+v":      fmt.Sprintf("%+v", c),
		"%#v":      fmt.Sprintf("%#v", c),
		"%v of &c": fmt.Sprintf("%v", &c),
		"slog":     logged.String(),
	}
	for name, out := range outputs {
		for _, s := range secrets {
			if strings.Contains(out, s) {
				t.Errorf("%s prints %q: %s", name, s, out)
			}
		}
		for _, want := range []string{"kefu:xxxxx@db1,db2", "nats:4222", "admin@example.com", "kefu:xxxxx@mail.example.com"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q, so it hides more than secrets: %s", name, want, out)
			}
		}
	}
	if c.Secret != "super-secret-signing-key-0123456789" {
		t.Error("Redacted changed the original Config")
	}
}
