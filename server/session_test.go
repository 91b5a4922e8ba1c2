package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/client"
)

func TestSessionAttributes(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	var s client.Session
	if err := c.Do(ctx, "POST", "/api/v1/widget/site-a/session", "", map[string]any{"attributes": map[string]string{"plan": "pro"}}, &s); err != nil {
		t.Fatal(err)
	}
	// Renewing merges new attributes into the same visitor.
	if err := c.Do(ctx, "POST", "/api/v1/widget/site-a/session", "", map[string]any{"token": s.Token, "attributes": map[string]string{"order": "<b>A-17</b>"}}, nil); err != nil {
		t.Fatal(err)
	}
	v, err := e.store.Visitor(context.Background(), "site-a", s.VisitorID)
	if err != nil {
		t.Fatal(err)
	}
	if v.Attributes["plan"] != "pro" || v.Attributes["order"] != "<b>A-17</b>" {
		t.Fatalf("attributes = %v", v.Attributes)
	}
	many := map[string]string{}
	for i := 0; i < 21; i++ {
		many[fmt.Sprintf("k%d", i)] = "v"
	}
	tests := []struct {
		name  string
		attrs map[string]string
	}{
		{"operator-shaped name", map[string]string{"$set": "x"}},
		{"dotted name", map[string]string{"a.b": "x"}},
		{"too many", many},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Do(ctx, "POST", "/api/v1/widget/site-a/session", "", map[string]any{"token": s.Token, "attributes": tt.attrs}, nil)
			wantStatus(t, err, http.StatusBadRequest)
		})
	}
}

// TestRefreshTokenReuseRevokesTheLogin checks the refresh-token rotation:
// each refresh gives a new token, and replaying a used one (as a thief
// would) logs out every token of that login.
func TestRefreshTokenReuseRevokesTheLogin(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	e := startEnv(t, func(o *serverOptions) { o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now } })
	ctx := ctxT(t)
	jar, _ := cookiejar.New(nil)
	c := e.client()
	c.HTTP = &http.Client{Jar: jar}
	if _, err := c.Login(ctx, "a@example.com", "password-site-a", ""); err != nil {
		t.Fatal(err)
	}
	u, _ := http.NewRequest("GET", e.url+"/api/v1/auth/refresh", nil)
	stolen := jar.Cookies(u.URL)
	if len(stolen) != 1 {
		t.Fatalf("refresh cookie = %v", stolen)
	}
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/auth/refresh", "", nil, &out); err != nil || out.AccessToken == "" {
		t.Fatalf("refresh: %v", err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/me", out.AccessToken, nil, nil); err != nil {
		t.Fatalf("new access token: %v", err)
	}
	// Replay the first, already rotated token, after the grace window in
	// which a lost response may be retried.
	mu.Lock()
	now = now.Add(account.RefreshGrace + time.Second)
	mu.Unlock()
	thief := e.client()
	thiefJar, _ := cookiejar.New(nil)
	thiefJar.SetCookies(u.URL, stolen)
	thief.HTTP = &http.Client{Jar: thiefJar}
	wantStatus(t, thief.Do(ctx, "POST", "/api/v1/auth/refresh", "", nil, nil), http.StatusUnauthorized)
	// The rightful holder's newer token was revoked with it.
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/auth/refresh", "", nil, nil), http.StatusUnauthorized)
}
