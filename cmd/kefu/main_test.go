package main

import (
	"bytes"
	"context"
	"net/http"
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
