package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/client"
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

func TestSIGTERMClosesSocketsWithReconnectCode(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KEFU_DATA_DIR", dir)
	t.Setenv("KEFU_ADDR", "127.0.0.1:0")
	t.Setenv("KEFU_LOG_LEVEL", "warn")
	out := &syncBuffer{}
	started := make(chan *app.Main, 1)
	done := make(chan error, 1)
	go func() { done <- serve([]string{}, out, func(m *app.Main) { started <- m }) }()
	var m *app.Main
	select {
	case m = <-started:
	case err := <-done:
		t.Fatalf("exited early: %v\n%s", err, out)
	case <-time.After(30 * time.Second):
		t.Fatal("did not start")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := client.New(m.URL())
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = ws.Closed(ctx)
	if ce, ok := err.(*client.CloseError); !ok || ce.Code != 1001 {
		t.Fatalf("socket closed with %v, want 1001 (reconnect)", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v", err)
		}
	case <-ctx.Done():
		t.Fatal("did not exit after SIGTERM")
	}
	// New connections are refused once it is down.
	if _, err := http.Get(m.URL() + "/healthz"); err == nil {
		t.Fatal("still serving after shutdown")
	}
}

func TestFAQCommands(t *testing.T) {
	dir := t.TempDir()
	m := startKefu(t, dir, "faq-cli-pw")
	env := func(k string) string {
		return map[string]string{"KEFU_PUBLIC_URL": m.URL(), "KEFU_ADMIN_PASSWORD": "faq-cli-pw"}[k]
	}
	bad := filepath.Join(dir, "bad.csv")
	os.WriteFile(bad, []byte("lang,question,answer\nen,Fine?,Yes\nen,,No question\n"), 0o600)
	var stdout, stderr bytes.Buffer
	if err := runFAQ([]string{"import", bad}, nil, &stdout, &stderr, env); err == nil || !strings.Contains(stderr.String(), "bad.csv:3:") {
		t.Fatalf("bad import: %v\n%s", err, stderr.String())
	}
	good := filepath.Join(dir, "good.json")
	os.WriteFile(good, []byte(`[{"id":"cli-1","lang":"en","category":"cli","question":"Is there a command line?","answer":"Yes: kefu faq."}]`), 0o600)
	stderr.Reset()
	if err := runFAQ([]string{"import", good}, nil, &stdout, &stderr, env); err != nil || !strings.Contains(stderr.String(), "imported 1 entries") || strings.Contains(stderr.String(), "\r") {
		t.Fatalf("good import: %v\n%s", err, stderr.String())
	}
	out := filepath.Join(dir, "out.csv")
	// Flags may follow the file; the password may come on standard input.
	noURL := func(k string) string { return map[string]string{"KEFU_ADMIN_PASSWORD": "faq-cli-pw"}[k] }
	if err := runFAQ([]string{"export", out, "-url", m.URL()}, nil, &stdout, &stderr, noURL); err != nil {
		t.Fatalf("export with -url after the file: %v", err)
	}
	viaStdin := func(k string) string { return map[string]string{"KEFU_PUBLIC_URL": m.URL()}[k] }
	if err := runFAQ([]string{"export", filepath.Join(dir, "again.json")}, strings.NewReader("faq-cli-pw\n"), &stdout, &stderr, viaStdin); err != nil {
		t.Fatalf("export with the password on stdin: %v", err)
	}
	for _, args := range [][]string{{"-h"}, {"import", "-h"}, {"export", "--help"}} {
		stderr.Reset()
		if err := runFAQ(args, nil, &stdout, &stderr, env); err != nil || !strings.Contains(stderr.String(), "kefu faq import FILE") {
			t.Fatalf("kefu faq %v: %v\n%s", args, err, stderr.String())
		}
		for _, line := range strings.Split(stderr.String(), "\n") {
			if strings.Count(line, "default") > 1 {
				t.Fatalf("kefu faq %v shows two defaults in %q", args, line)
			}
		}
	}
	b, _ := os.ReadFile(out)
	header, _, _ := strings.Cut(string(b), "\n")
	if !strings.Contains(string(b), "Is there a command line?") || !strings.Contains(header, "question") {
		t.Fatalf("export:\n%.300s", b)
	}
	if err := runFAQ([]string{"import", good}, strings.NewReader(""), &stdout, &stderr, func(string) string { return "" }); err == nil || !strings.Contains(err.Error(), "KEFU_ADMIN_PASSWORD") {
		t.Fatalf("no password: %v", err)
	}
}

// FerretDB serves only as a MongoDB stand-in in tests: the kefu binary
// must not link it.
func TestBinaryLeavesOutFerretDB(t *testing.T) {
	out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, out)
	}
	deps := string(out)
	if !strings.Contains(deps, "modernc.org/sqlite") {
		t.Fatalf("go list -deps shows no SQLite driver; the check is broken:\n%.500s", deps)
	}
	for _, dep := range strings.Fields(deps) {
		if strings.Contains(dep, "FerretDB") || strings.Contains(dep, "ferretdb") {
			t.Fatalf("kefu links %s", dep)
		}
	}
}

// kefu faq keeps its login between runs (mode 0600), so that running it
// often does not run into the per-account login limit.
func TestFAQCommandsKeepTheirSession(t *testing.T) {
	dir := t.TempDir()
	m := startKefu(t, dir, "faq-cli-pw")
	conf := t.TempDir()
	env := func(k string) string {
		return map[string]string{"KEFU_PUBLIC_URL": m.URL(), "KEFU_ADMIN_PASSWORD": "faq-cli-pw", "XDG_CONFIG_HOME": conf}[k]
	}
	var stdout, stderr bytes.Buffer
	for i := range 10 {
		if err := runFAQ([]string{"export", filepath.Join(dir, fmt.Sprintf("faq-%d.json", i))}, nil, &stdout, &stderr, env); err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(conf, "kefu", "session-*"))
	if len(files) != 1 {
		t.Fatalf("session files: %v", files)
	}
	if fi, err := os.Stat(files[0]); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("session file mode: %v %v", fi.Mode(), err)
	}
}
