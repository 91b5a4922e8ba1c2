// Package app wires kefu's parts into one running server: the database,
// the bus, the FAQ index, the widget and the HTTP server, with first-run
// setup. cmd/kefu runs it; tests start it whole on port 0.
package app

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu/kefu/assets"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/mail"
	"github.com/kefu/kefu/notify"
	"github.com/kefu/kefu/search"
	"github.com/kefu/kefu/server"
	"github.com/kefu/kefu/widget"
)

// Main is one running kefu process.
type Main struct {
	Config config.Config
	Logger *slog.Logger
	out    io.Writer

	closeOnce sync.Once
	closeErr  error

	store Database
	bus   busCloser
	index *search.Index
	// blobs keeps the content of files sent in chats.
	blobs  chat.BlobStore
	server *server.Server
	ln     net.Listener
	served chan error
	// unfollowFAQ stops following FAQ changes on the bus.
	unfollowFAQ func()
	// retention stops the retention loop and waits for it.
	retention func()
	// mailq sends email in the background, and replies writes the reply
	// emails; both nil without KEFU_SMTP_URL.
	mailq   *mail.Queue
	replies *notify.Replies
	// stopAlerts stops the unanswered alerts, when they run.
	stopAlerts func()
	// unlock releases the data dir.
	unlock func()
	// AdminPassword is the generated first-run password, if one was made.
	AdminPassword string
}

// busCloser is a chat.Bus that can be drained at shutdown.
type busCloser interface {
	chat.Bus
	Drain(ctx context.Context) error
}

// New returns a Main for cfg that logs and prints to out.
func New(cfg config.Config, out io.Writer) *Main {
	opts := &slog.HandlerOptions{Level: cfg.Level()}
	var h slog.Handler = slog.NewTextHandler(out, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(out, opts)
	}
	return &Main{Config: cfg, Logger: slog.New(h), out: out}
}

// Addr is the address the server listens on, once Run has returned.
func (m *Main) Addr() net.Addr { return m.ln.Addr() }

// URL is the server's public URL, once Run has returned.
func (m *Main) URL() string { return m.Config.PublicURL }

// Run opens the database, bus and index, bootstraps the first site and
// agent, and starts serving. It returns once the server accepts requests.
func (m *Main) Run(ctx context.Context) error {
	start := time.Now()
	cfg := m.Config
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	unlock, err := LockDataDir(cfg.DataDir)
	if err != nil {
		return err
	}
	m.unlock = unlock
	secret, err := cfg.SecretKey()
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	m.ln = ln
	if m.Config.PublicURL == "" {
		m.Config.PublicURL = config.DerivePublicURL(ln.Addr().String())
	}

	if m.store, err = OpenDatabase(ctx, cfg, m.Logger); err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	if cfg.NATSURL != "" {
		if m.bus, err = bus.ConnectNATS(ctx, cfg.NATSURL, m.Logger); err != nil {
			return fmt.Errorf("connect to NATS: %w", err)
		}
	} else {
		m.bus = bus.NewLocal()
	}
	if err := m.bootstrap(ctx); err != nil {
		return fmt.Errorf("first-run setup: %w", err)
	}
	if m.index, err = search.Open(filepath.Join(cfg.DataDir, "faq-index")); err != nil {
		return fmt.Errorf("open FAQ index: %w", err)
	}
	if to := m.index.MovedTo(); to != "" {
		m.Logger.Warn("the FAQ index could not be read; moved it aside and rebuilding it from the database", "moved_to", to)
	}
	if err := m.syncIndex(ctx); err != nil {
		return fmt.Errorf("build FAQ index: %w", err)
	}
	if m.unfollowFAQ, err = m.followFAQ(); err != nil {
		return fmt.Errorf("follow FAQ changes: %w", err)
	}
	w, err := widget.Load()
	if err != nil {
		return fmt.Errorf("load widget: %w", err)
	}
	svc := chat.NewService(m.store, m.bus, nil, m.Logger)
	if m.blobs, err = OpenBlobs(cfg, m.store); err != nil {
		return err
	}
	issuer := auth.NewIssuer(secret, nil)
	var replies server.ReplyMailer
	if cfg.SMTPURL != "" {
		if err := m.startMail(cfg, issuer); err != nil {
			return err
		}
		replies = m.replies
	}
	m.server, err = server.New(server.Options{
		Service:   svc,
		Store:     m.store,
		Bus:       m.bus,
		Issuer:    issuer,
		FAQ:       faqIndex{m.index},
		Widget:    newWidgetAssets(w),
		Pages:     pages(cfg),
		DemoSite:  cfg.SiteKey,
		PublicURL: m.Config.PublicURL,
		Logger:    m.Logger,
		Registry:  prometheus.NewRegistry(),
		Limits:    server.Limits{VisitorPer10s: cfg.RateVisitor, IPPer10s: cfg.RateIP, SitePer10s: cfg.RateSite, LoginPerMinute: cfg.RateLogin},

		TrustedProxies: cfg.TrustedProxies,
		MetricsToken:   cfg.MetricsToken,
		Blobs:          m.blobs,
		FileKey:        derive(secret, "kefu-file-urls"),
		Replies:        replies,
	})
	if err != nil {
		return err
	}
	m.served = make(chan error, 1)
	go func() { m.served <- m.server.Serve(ln) }()
	m.retention = m.startRetention(cfg)
	attrs := []any{"url", m.Config.PublicURL}
	if cfg.Demo {
		attrs = append(attrs, "demo", m.Config.PublicURL+"/")
	}
	attrs = append(attrs, "inbox", m.Config.PublicURL+"/inbox",
		"database", dbName(cfg), "bus", busName(cfg), "startup_ms", time.Since(start).Milliseconds())
	m.Logger.Info("kefu ready", attrs...)
	return nil
}

func pages(cfg config.Config) *assets.Pages {
	return assets.New(cfg.Demo)
}

func dbName(cfg config.Config) string {
	if cfg.Embedded() {
		return "embedded SQLite in " + EmbeddedDir(cfg.DataDir)
	}
	return "MongoDB"
}

func busName(cfg config.Config) string {
	if cfg.NATSURL != "" {
		return "NATS"
	}
	return "in-process"
}

// Close shuts down in reverse order: refuse new work and drain sockets,
// then the bus, the index and the database. Later calls return the first
// one's result.
func (m *Main) Close(ctx context.Context) error {
	m.closeOnce.Do(func() { m.closeErr = m.close(ctx) })
	return m.closeErr
}

func (m *Main) close(ctx context.Context) error {
	var errs []error
	if m.server != nil {
		errs = append(errs, m.server.Shutdown(ctx))
		select {
		case err := <-m.served:
			errs = append(errs, err)
		case <-ctx.Done():
			errs = append(errs, ctx.Err())
		}
	} else if m.ln != nil {
		errs = append(errs, m.ln.Close())
	}
	if m.unfollowFAQ != nil {
		m.unfollowFAQ()
	}
	m.stopMail(ctx)
	if m.retention != nil {
		m.retention()
	}
	if m.bus != nil {
		errs = append(errs, m.bus.Drain(ctx))
	}
	if m.index != nil {
		errs = append(errs, m.index.Close())
	}
	if m.store != nil {
		errs = append(errs, m.store.Close(ctx))
	}
	if m.unlock != nil {
		m.unlock()
	}
	return errors.Join(errs...)
}

// Store is the database, for tools and tests that seed it.
func (m *Main) Store() chat.Store { return m.store }

// derive makes a key for one purpose from the server's secret, so that no
// two uses share a key.
func derive(secret []byte, purpose string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}
