// Package server is kefu's HTTP and websocket front: the route table, the
// REST handlers for agents and the widget, the websocket gateway, auth,
// rate limits and static assets. It is the only package that imports Fiber.
package server

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/canned"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/report"
)

// FAQIndex finds FAQ entries for a visitor's text.
type FAQIndex interface {
	Suggest(ctx context.Context, site, lang, text string, n int) ([]chat.FAQHit, error)
}

// WidgetAssets is the built widget.
type WidgetAssets interface {
	// Loader returns /widget.js and its ETag.
	Loader() (body []byte, etag string)
	// Asset returns a content-hashed file served under /w/.
	Asset(name string) (body []byte, contentType string, ok bool)
	// ChatPage renders the chat page of a site, used as the widget's
	// iframe and as a standalone page.
	ChatPage(site, lang string) []byte
}

// Options are what a Server needs.
type Options struct {
	Service   *chat.Service
	Store     chat.Store
	Bus       chat.Bus
	Issuer    *auth.Issuer
	FAQ       FAQIndex     // may be nil until the index is ready
	Widget    WidgetAssets // may be nil: /widget.js then answers 503
	Pages     fs.FS        // demo page and inbox; may be nil
	DemoSite  string       // the site key the demo page embeds
	PublicURL string       // kefu's own origin, e.g. https://chat.example.com
	// MetricsToken, if set, is the bearer token /metrics asks for; when
	// empty, /metrics answers this machine only.
	MetricsToken string
	Node         string // this node's name, for presence
	Logger       *slog.Logger
	Registry     *prometheus.Registry
	Now          func() time.Time
	Limits       Limits
	// TrustedProxies are the reverse proxies (IPs or CIDRs) whose
	// X-Forwarded-For names the client, for rate limits and logs.
	TrustedProxies []string
	// Blobs keeps the content of attachments; nil: uploads answer 503.
	Blobs chat.BlobStore
	// FileKey signs file URLs; nodes that serve one another's URLs share
	// it. Empty: a random key, good for this process only.
	FileKey []byte
	// Replies emails agents' replies to offline messages; nil: kefu sends
	// no email, and the inbox offers a mailto: link instead.
	Replies ReplyMailer
}

// Server serves kefu's HTTP API, websocket gateway and assets.
type Server struct {
	opts    Options
	app     *fiber.App
	log     *slog.Logger
	hub     *hub
	limits  *limiters
	metrics *metrics
	origin  string // kefu's own origin, scheme://host[:port]
	proxies proxies
	// faqTops keeps the FAQ list the widget shows before a visitor types.
	faqTops *faqTops
	// replies keeps each site's usual time to a first reply.
	replies *replyTimes
	// faq holds the FAQ's use cases for agents.
	faq *chat.FAQAdmin
	// siteAdmin holds the use cases of a site's settings.
	siteAdmin *chat.SiteAdmin
	// agentAdmin holds the use cases of a site's agents.
	agentAdmin *chat.AgentAdmin
	// visitors holds the use cases of visitors outside a conversation:
	// sessions, identity, feedback and FAQ events.
	visitors *chat.Visitors
	// attach holds the use cases of attachments.
	attach *attach.Service
	// canned holds the use cases of canned replies.
	canned *canned.Service
	// reports makes the inbox's reports.
	reports *report.Service
	// account holds the use cases of an agent's own login.
	account  *account.Service
	sites    siteCache
	draining atomic.Bool

	lnMu sync.Mutex
	ln   net.Listener // what Serve serves on, for Shutdown to close
	shut bool         // Shutdown has begun; a later Serve returns at once
	// inboxFiles are the inbox's scripts and styles, by name.
	inboxFiles map[string]staticFile
}

// New builds a Server and its route table.
func New(opts Options) (*Server, error) {
	if opts.Service == nil || opts.Store == nil || opts.Bus == nil || opts.Issuer == nil {
		return nil, errors.New("server: Service, Store, Bus and Issuer are required")
	}
	u, err := url.Parse(opts.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("server: PublicURL must be an absolute http(s) URL")
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Registry == nil {
		opts.Registry = prometheus.NewRegistry()
	}
	if opts.Node == "" {
		opts.Node = chat.NewID()
	}
	opts.Limits = opts.Limits.withDefaults()
	s := &Server{
		opts:    opts,
		log:     opts.Logger,
		origin:  u.Scheme + "://" + u.Host,
		limits:  newLimiters(opts.Limits),
		metrics: newMetrics(opts.Registry),
		sites:   siteCache{sites: make(map[string]cachedSite)},

		inboxFiles: loadStatic(opts.Pages, "inbox"),
	}
	s.hub = newHub(s)
	s.faqTops = newFAQTops(opts.Now)
	s.replies = newReplyTimes(opts.Now)
	s.faq = chat.NewFAQAdmin(opts.Store, opts.Bus, opts.Now, opts.Logger)
	s.siteAdmin = chat.NewSiteAdmin(opts.Store, opts.Bus, attach.Logo, opts.Now)
	s.agentAdmin = chat.NewAgentAdmin(opts.Store, opts.Bus, auth.HashPassword, opts.Now)
	s.visitors = chat.NewVisitors(opts.Store, auth.VerifyIdentity, opts.Now)
	s.canned = canned.New(opts.Store, opts.Now)
	s.reports = report.New(opts.Store, opts.Now)
	s.account = account.New(opts.Store, opts.Issuer, opts.Now, opts.Logger)
	s.account.RequireTwoFactorOf(s.site)
	s.attach = attach.NewService(opts.Store, opts.Blobs, attach.NewSigner(fileKey(opts.FileKey), opts.Now), opts.Service.Conversation, opts.Now)
	cfg := fiber.Config{
		ErrorHandler:          s.handleError,
		BodyLimit:             12 << 20, // uploads and FAQ imports; each route bounds its own
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          30 * time.Second,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		AppName:               "kefu",
	}
	// Fiber would believe the leftmost X-Forwarded-For address, which the
	// client writes; clientIP reads the header itself.
	if s.proxies, err = parseProxies(opts.TrustedProxies); err != nil {
		return nil, err
	}
	s.app = fiber.New(cfg)
	s.routes()
	return s, nil
}

// App exposes the Fiber app, for tests that call it without a socket.
func (s *Server) App() *fiber.App { return s.app }

// Serve answers requests on ln until Shutdown.
func (s *Server) Serve(ln net.Listener) error {
	s.lnMu.Lock()
	if s.shut {
		s.lnMu.Unlock()
		return ln.Close()
	}
	s.ln = ln
	// Started under the lock, so that Shutdown, which takes it first,
	// never stops a hub that is still starting.
	err := s.hub.start()
	s.lnMu.Unlock()
	if err != nil {
		return err
	}
	err = s.app.Listener(ln)
	if errors.Is(err, net.ErrClosed) && s.draining.Load() {
		return nil // Shutdown closed ln itself
	}
	return err
}

// Shutdown refuses new work, closes sockets with a reconnect code, lets
// in-flight requests finish, and returns when done or when ctx ends.
func (s *Server) Shutdown(ctx context.Context) error {
	s.draining.Store(true)
	s.lnMu.Lock()
	s.shut = true
	ln := s.ln
	s.lnMu.Unlock()
	s.hub.closeAll(ctx)
	err := s.app.ShutdownWithContext(ctx)
	// Fiber knows the listener only once Serve has got that far; a
	// Shutdown right after Serve began would otherwise leave it serving.
	if ln != nil {
		if cerr := ln.Close(); cerr != nil && !errors.Is(cerr, net.ErrClosed) {
			err = errors.Join(err, cerr)
		}
	}
	s.hub.stop()
	return err
}
