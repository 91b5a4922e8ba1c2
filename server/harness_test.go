package server_test

import (
	"context"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/server"
	"github.com/kefu/kefu/store/sqlite"
)

// env is a running kefu server on a free port with the embedded SQLite
// store in a temp dir, two sites (a and b), and an agent of each.
type env struct {
	t        testing.TB
	url      string
	srv      *server.Server
	store    chat.Store
	issuer   *auth.Issuer
	siteA    *chat.Site
	siteB    *chat.Site
	agentA   string // access token of an agent of site a
	agentB   string
	agentAID string
}

// envOption changes the server's options before it starts.
type envOption func(*serverOptions)

type serverOptions = server.Options

func testLogger(t testing.TB) *slog.Logger {
	if os.Getenv("KEFU_TEST_LOG") != "" {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	return slog.New(slog.DiscardHandler)
}

func mustOpenStore(t testing.TB) *sqlite.Store {
	t.Helper()
	return mustOpenStoreAt(t, filepath.Join(t.TempDir(), "db"))
}

// mustOpenStoreAt opens a store on the database in dir: a second one on
// the same dir is another process's view of the same database.
func mustOpenStoreAt(t testing.TB, dir string) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func startEnv(t testing.TB, opts ...envOption) *env {
	t.Helper()
	st := mustOpenStore(t)
	return startEnvWithStore(t, st, bus.NewLocal(), opts...)
}

func startEnvWithStore(t testing.TB, st chat.Store, b chat.Bus, opts ...envOption) *env {
	t.Helper()
	e := startNode(t, st, b, opts...)
	ctx := context.Background()
	e.siteA = e.mustSite(ctx, st, "site-a", nil)
	e.siteB = e.mustSite(ctx, st, "site-b", nil)
	e.agentAID, e.agentA = e.mustAgent(ctx, st, "a@example.com", "site-a")
	_, e.agentB = e.mustAgent(ctx, st, "b@example.com", "site-b")
	return e
}

// startNode starts one kefu server on st and b, with no data of its own:
// one node of several that share a database and a bus.
func startNode(t testing.TB, st chat.Store, b chat.Bus, opts ...envOption) *env {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	issuer := auth.NewIssuer([]byte("test-secret-test-secret-test-secret!"), nil)
	log := testLogger(t)
	svc := chat.NewService(st, b, nil, log)
	blobs, err := blob.Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	o := server.Options{
		Service:   svc,
		Store:     st,
		Bus:       b,
		Issuer:    issuer,
		PublicURL: url,
		Logger:    log,
		Blobs:     blobs,
		FileKey:   []byte("test-file-key"),
	}
	for _, opt := range opts {
		opt(&o)
	}
	srv, err := server.New(o)
	if err != nil {
		t.Fatal(err)
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-served
	})
	return &env{t: t, url: url, srv: srv, issuer: issuer, store: st}
}

func (e *env) mustSite(ctx context.Context, st chat.Store, key string, origins []string) *chat.Site {
	e.t.Helper()
	s := &chat.Site{Key: key, Name: "Site " + key, AllowedOrigins: origins, IdentitySecret: "secret-of-" + key,
		Widget: chat.WidgetSettings{Color: "#123456", DefaultLang: "en"}, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := st.CreateSite(ctx, s); err != nil {
		e.t.Fatalf("create site: %v", err)
	}
	return s
}

func (e *env) mustAgent(ctx context.Context, st chat.Store, email, site string) (id, token string) {
	e.t.Helper()
	return e.mustAgentWithRole(ctx, st, email, site, chat.RoleAgent)
}

// mustAgentWithRole creates an agent of site with role, whose password is
// "password-" + site, and logs them in.
func (e *env) mustAgentWithRole(ctx context.Context, st chat.Store, email, site string, role chat.Role) (id, token string) {
	e.t.Helper()
	hash, err := auth.HashPassword("password-" + site)
	if err != nil {
		e.t.Fatal(err)
	}
	a := &chat.Agent{ID: chat.NewID(), Email: email, Name: "Agent " + site, PasswordHash: hash, Role: role, Sites: []string{site}, CreatedAt: time.Now()}
	if err := st.CreateAgent(ctx, a); err != nil {
		e.t.Fatalf("create agent: %v", err)
	}
	tok, err := e.client().Login(ctx, email, "password-"+site, "")
	if err != nil {
		e.t.Fatalf("login: %v", err)
	}
	return a.ID, tok
}

func (e *env) client() *client.Client { return client.New(e.url) }

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// visitor is a visitor with a session, a conversation and a socket.
type visitor struct {
	sess *client.Session
	conv *client.Conversation
	ws   *client.Socket
}

func (e *env) mustVisitor(ctx context.Context, site string) *visitor {
	e.t.Helper()
	c := e.client()
	sess, err := c.NewSession(ctx, site, nil)
	if err != nil {
		e.t.Fatalf("session: %v", err)
	}
	conv, err := c.StartConversation(ctx, site, sess.Token, "")
	if err != nil {
		e.t.Fatalf("start conversation: %v", err)
	}
	ws, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	e.t.Cleanup(func() { ws.Close() })
	return &visitor{sess: sess, conv: conv, ws: ws}
}

func (e *env) mustAgentSocket(ctx context.Context, token string) *client.Socket {
	e.t.Helper()
	c := e.client()
	c.Origin = e.url
	ws, _, err := c.Dial(ctx, token)
	if err != nil {
		e.t.Fatalf("agent dial: %v", err)
	}
	e.t.Cleanup(func() { ws.Close() })
	return ws
}

// A server shut down the moment it starts serving stops serving: Fiber
// learns of the listener only partway into Serve.
func TestShutdownRightAfterServe(t *testing.T) {
	st := mustOpenStore(t)
	b := bus.NewLocal()
	for i := range 20 {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		srv, err := server.New(server.Options{
			Service: chat.NewService(st, b, nil, testLogger(t)), Store: st, Bus: b,
			Issuer:    auth.NewIssuer([]byte("test-secret-test-secret-test-secret!"), nil),
			PublicURL: "http://" + ln.Addr().String(), Logger: testLogger(t),
		})
		if err != nil {
			t.Fatal(err)
		}
		served := make(chan error, 1)
		go func() { served <- srv.Serve(ln) }()
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		if err := srv.Shutdown(ctx); err != nil {
			t.Fatalf("round %d: Shutdown: %v", i, err)
		}
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Fatalf("round %d: Serve: %v", i, err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("round %d: still serving 5 s after Shutdown", i)
		}
	}
}
