// Package e2e drives kefu's chat widget in headless Chromium, as a visitor
// on a customer's page would, with the page served from another origin than
// kefu; and the agents' inbox, as an agent would. One kefu and one browser serve every test; each test gets a fresh
// browser context, so visitors never share storage.
//
// The tests skip when Chromium is not installed, unless KEFU_E2E_REQUIRED
// is set, as scripts/test.sh does. They write screenshots to
// e2e/screenshots/, which git ignores.
package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
)

const (
	adminEmail    = "admin@example.com"
	adminPassword = "e2e-admin-password"
	// testTimeout bounds each test, so that a hang fails instead of blocking.
	testTimeout = 45 * time.Second
)

// env is what the tests share: one kefu, one host-page server and one
// browser.
type env struct {
	kefu    *app.Main
	kefuURL string // kefu's origin, http://127.0.0.1:PORT
	hostURL string // the customer's pages, http://localhost:PORT
	api     *client.Client
	token   string // the admin's access token
	browser context.Context
	// strict is a second Chromium that blocks third-party storage, started
	// on first use by strictBrowser.
	strict     context.Context
	strictOnce sync.Once
	strictErr  error
	// owner is a browser context whose inbox is logged in as the
	// first-run owner, once for the whole run: see ownerTab.
	owner     context.Context
	ownerOnce sync.Once
	ownerErr  error
	chrome    string
	log       *syncBuffer
	dataDir   string
	closers   []func()
}

var suite struct {
	once sync.Once
	env  *env
	err  error
	skip string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if suite.env != nil {
		suite.env.close()
	}
	os.Exit(code)
}

// setup returns the shared environment, starting it on first use. It skips
// the test when Chromium is missing, unless KEFU_E2E_REQUIRED is set.
func setup(t *testing.T) *env {
	t.Helper()
	suite.once.Do(func() { suite.env, suite.skip, suite.err = start() })
	if suite.skip != "" {
		t.Skip(suite.skip)
	}
	if suite.err != nil {
		t.Fatal(suite.err)
	}
	e := suite.env
	mark := e.log.Len()
	t.Cleanup(func() {
		if log := e.log.Since(mark); t.Failed() && log != "" {
			t.Logf("kefu's log during the test:\n%s", log)
		}
	})
	return e
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if _, err := os.Stat("/usr/bin/chromium"); err == nil {
		return "/usr/bin/chromium"
	}
	return ""
}

func start() (_ *env, skip string, _ error) {
	chrome := chromiumPath()
	if chrome == "" {
		if os.Getenv("KEFU_E2E_REQUIRED") != "" {
			return nil, "", errors.New("e2e: KEFU_E2E_REQUIRED is set but Chromium is not installed (scripts/install-test-deps.sh installs it)")
		}
		return nil, "e2e: Chromium not found; install it (scripts/install-test-deps.sh) or the browser tests are skipped", nil
	}
	e := &env{log: &syncBuffer{}}
	ok := false
	defer func() {
		if !ok {
			e.close()
		}
	}()
	if err := e.startKefu(); err != nil {
		return nil, "", err
	}
	e.startHost()
	e.chrome = chrome
	browser, err := e.startBrowser(chrome)
	if err != nil {
		return nil, "", err
	}
	e.browser = browser
	ok = true
	return e, "", nil
}

// startKefu runs kefu in-process on a port of 127.0.0.1; its public URL is
// derived from the bound listener, so no port has to be guessed.
func (e *env) startKefu() error {
	dir, err := os.MkdirTemp("", "kefu-e2e-")
	if err != nil {
		return err
	}
	e.dataDir = dir
	cfg, err := config.Load([]string{
		"-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "warn",
		"-admin-email", adminEmail, "-admin-password", adminPassword,
		// Every browser test logs in from 127.0.0.1.
		"-rate-login", "120",
	}, func(string) string { return "" }, io.Discard)
	if err != nil {
		return fmt.Errorf("e2e: config: %w", err)
	}
	m := app.New(cfg, e.log)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		return fmt.Errorf("e2e: start kefu: %w\n%s", err, e.log)
	}
	e.kefu = m
	e.closers = append(e.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Close(ctx)
	})
	e.kefuURL = m.URL()
	if !strings.HasPrefix(e.kefuURL, "http://127.0.0.1:") {
		return fmt.Errorf("e2e: kefu's URL is %q, want http://127.0.0.1:PORT", e.kefuURL)
	}
	e.api = client.New(e.kefuURL)
	e.token, err = e.api.Login(ctx, adminEmail, adminPassword, "")
	if err != nil {
		return fmt.Errorf("e2e: admin login: %w", err)
	}
	return nil
}

// startHost serves the customer's pages. The browser reaches them as
// localhost, another origin (and site) than kefu's 127.0.0.1.
func (e *env) startHost() {
	srv := httptest.NewServer(hostPages(e.kefuURL))
	e.closers = append(e.closers, srv.Close)
	e.hostURL = strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
}

// strictBrowser returns a Chromium that blocks third-party cookies and
// storage, as Chrome's incognito default, Brave and strict Safari or
// Firefox settings do: in kefu's cross-site iframe, localStorage,
// sessionStorage and Web Locks throw SecurityError. Storage partitioning
// is off, so the block is a block and not a partition. It is started on
// first use.
func (e *env) strictBrowser(t *testing.T) context.Context {
	t.Helper()
	e.strictOnce.Do(func() {
		e.strict, e.strictErr = e.startBrowser(e.chrome,
			chromedp.Flag("enable-features", "ForceThirdPartyCookieBlocking"),
			chromedp.Flag("disable-features", "Translate,BlinkGenPropertyTrees,ThirdPartyStoragePartitioning"))
	})
	if e.strictErr != nil {
		t.Fatal(e.strictErr)
	}
	return e.strict
}

func (e *env) startBrowser(path string, extra ...chromedp.ExecAllocatorOption) (context.Context, error) {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost"),
		// The visitors of the demo shop use Chinese browsers.
		chromedp.Flag("lang", "zh-CN"),
		chromedp.Flag("accept-lang", "zh-CN,zh"),
	)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	bctx, cancelBrowser := chromedp.NewContext(actx)
	e.closers = append(e.closers, cancelAlloc, cancelBrowser)
	start, cancel := context.WithTimeout(bctx, 30*time.Second)
	defer cancel()
	// The first Run ties the browser to its context, so it must be bctx
	// itself; the timeout only guards the launch.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(bctx) }()
	select {
	case err := <-done:
		if err != nil {
			return nil, fmt.Errorf("e2e: start Chromium: %w", err)
		}
	case <-start.Done():
		return nil, errors.New("e2e: Chromium did not start within 30s")
	}
	return bctx, nil
}

// close stops what start started, in reverse order.
func (e *env) close() {
	for i := len(e.closers) - 1; i >= 0; i-- {
		e.closers[i]()
	}
	e.closers = nil
	if e.dataDir != "" {
		_ = os.RemoveAll(e.dataDir)
	}
}

// syncBuffer is kefu's log, written by its goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Len()
}

func (s *syncBuffer) Since(n int) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()[n:]
}

func (s *syncBuffer) String() string { return s.Since(0) }
