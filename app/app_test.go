package app

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
)

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func testConfig(t *testing.T, dir string) config.Config {
	t.Helper()
	cfg, err := config.Load([]string{"-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "warn"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func startMain(t *testing.T, cfg config.Config) (*Main, *syncBuffer) {
	t.Helper()
	out := &syncBuffer{}
	m := New(cfg, out)
	if err := m.Run(context.Background()); err != nil {
		t.Fatalf("run: %v\n%s", err, out)
	}
	return m, out
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

func TestMainServesAndRestartsWithoutDuplicates(t *testing.T) {
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	m, out := startMain(t, cfg)
	url := m.URL()
	if code, _ := get(t, url+"/readyz"); code != 200 {
		t.Fatalf("/readyz = %d", code)
	}
	code, body := get(t, url+"/")
	if code != 200 || !strings.Contains(body, `<script src="`+url+`/widget.js" data-site="demo" async></script>`) {
		t.Fatalf("demo page %d lacks the snippet:\n%s", code, body)
	}
	if code, _ := get(t, url+"/widget.js"); code != 200 {
		t.Fatalf("/widget.js = %d", code)
	}
	if !strings.Contains(out.String(), "First run: created the owner admin@example.com with password "+m.AdminPassword) || m.AdminPassword == "" {
		t.Fatalf("first run did not print the generated password:\n%s", out)
	}
	ctx := context.Background()
	token, err := client.New(url).Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	faqBefore, err := m.store.ListFAQ(ctx, "demo", "", nil, 1000)
	if err != nil || len(faqBefore) == 0 {
		t.Fatalf("sample FAQ: %d entries, %v", len(faqBefore), err)
	}
	if err := m.Close(ctx); err != nil {
		t.Fatal(err)
	}

	// A second start on the same data dir creates nothing new.
	m2, out2 := startMain(t, testConfig(t, dir))
	defer m2.Close(ctx)
	if strings.Contains(out2.String(), "First run") || m2.AdminPassword != "" {
		t.Fatalf("second start bootstrapped again:\n%s", out2)
	}
	agents, err := m2.store.ListAgents(ctx, "demo", nil, 1000)
	if err != nil || len(agents) != 1 {
		t.Fatalf("agents after restart: %d, %v", len(agents), err)
	}
	faqAfter, err := m2.store.ListFAQ(ctx, "demo", "", nil, 1000)
	if err != nil || len(faqAfter) != len(faqBefore) {
		t.Fatalf("FAQ after restart: %d entries, want %d (%v)", len(faqAfter), len(faqBefore), err)
	}
	// Tokens signed before the restart still work: the key is kept.
	if err := client.New(m2.URL()).Do(ctx, "GET", "/api/v1/me", token, nil, nil); err != nil {
		t.Fatalf("token from before the restart: %v", err)
	}
}

// A second kefu on a data dir in use stops at once, naming the first.
func TestSecondProcessOnDataDirIsRefused(t *testing.T) {
	dir := t.TempDir()
	first := New(testConfig(t, dir), io.Discard)
	if err := first.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	second := New(testConfig(t, dir), io.Discard)
	err := second.Run(context.Background())
	if err == nil {
		second.Close(context.Background())
		t.Fatal("a second kefu started on a data dir in use")
	}
	if !errors.Is(err, ErrDataDirInUse) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d", os.Getpid())) {
		t.Fatalf("second start: %v, want a refusal naming pid %d", err, os.Getpid())
	}
	_ = second.Close(context.Background())
	if err := first.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Once the first is gone, the dir is free again.
	third := New(testConfig(t, dir), io.Discard)
	if err := third.Run(context.Background()); err != nil {
		t.Fatalf("start after the first stopped: %v", err)
	}
	_ = third.Close(context.Background())
}

// With the demo off, kefu does not point people at a demo page it does not
// serve.
func TestNoDemoURLWithoutTheDemo(t *testing.T) {
	cfg, err := config.Load([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-demo=false"}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	m := New(cfg, out)
	if err := m.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	defer m.Close(context.Background())
	if !strings.Contains(out.String(), "kefu ready") || strings.Contains(out.String(), "demo=") {
		t.Fatalf("the ready line with the demo off:\n%s", out.String())
	}
}

// First-run settings given to an existing install change nothing, and the
// log says so, naming the setting; the same values as stored say nothing.
func TestFirstRunSettingsOnAnExistingInstallAreNamed(t *testing.T) {
	dir := t.TempDir()
	load := func(args ...string) config.Config {
		cfg, err := config.Load(append([]string{"-addr", "127.0.0.1:0", "-data-dir", dir, "-log-level", "warn"}, args...), func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	first := []string{"-admin-password", "first-password", "-allowed-origins", "https://shop.example.com"}
	m, _ := startMain(t, load(first...))
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, out := startMain(t, load(first...))
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "first run only") {
		t.Errorf("the same settings again were warned about:\n%s", out)
	}
	m, out = startMain(t, load("-admin-password", "second-password", "-allowed-origins", "https://other.example.com"))
	defer m.Close(context.Background())
	for _, name := range []string{"KEFU_ADMIN_PASSWORD", "KEFU_ALLOWED_ORIGINS"} {
		if !strings.Contains(out.String(), name) {
			t.Errorf("the log does not name %s:\n%s", name, out)
		}
	}
	if _, err := client.New(m.URL()).Login(context.Background(), "admin@example.com", "first-password", ""); err != nil {
		t.Errorf("the owner's password changed: %v", err)
	}
}
