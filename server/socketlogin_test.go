package server_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/client"
)

// An agent's open socket ends with its login: at logout, and when its
// access token expires, it closes with 4001 within a ping, so the inbox
// comes back with a fresh token or not at all.
func TestAgentSocketEndsWithItsLogin(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	e := startEnv(t, func(o *serverOptions) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		o.Limits.PingInterval = 100 * time.Millisecond
		o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100
	})
	ctx := ctxT(t)
	closedWith := func(ws *client.Socket) int {
		t.Helper()
		wait, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		var ce *client.CloseError
		if err := ws.Closed(wait); !errors.As(err, &ce) {
			t.Fatalf("the socket is still open: %v", err)
		}
		return ce.Code
	}

	token, cookie := login(t, e.url, "a@example.com", "password-site-a")
	ws := e.mustAgentSocket(ctx, token)
	if res := post(t, e.url, "/api/v1/auth/logout", "", nil, cookie); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout = %d", res.StatusCode)
	}
	if code := closedWith(ws); code != 4001 {
		t.Errorf("after logout the socket closed with %d, want 4001", code)
	}

	token, _ = login(t, e.url, "a@example.com", "password-site-a")
	ws = e.mustAgentSocket(ctx, token)
	mu.Lock()
	now = now.Add(16 * time.Minute) // access tokens live 15
	mu.Unlock()
	if code := closedWith(ws); code != 4001 {
		t.Errorf("after its token expired the socket closed with %d, want 4001", code)
	}
}
