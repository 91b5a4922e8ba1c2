package account_test

import (
	"testing"
	"time"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

const unknownToken = "refresh token unknown or revoked; log in"

// TestRefreshRotates: a refresh token gets a new one of the same login,
// once; used again within the grace window it gets that same one, and
// after the window its whole login ends.
func TestRefreshRotates(t *testing.T) {
	e := newEnv(t)
	ann := e.addAgent("ann@example.com", "correct-horse", nil)
	first := e.login("ann@example.com", "correct-horse", "")
	family := func(tok account.Tokens) string {
		t.Helper()
		c, err := e.issuer.ParseAccess(tok.Access)
		if err != nil {
			t.Fatal(err)
		}
		return c.Session
	}

	e.now = e.now.Add(time.Minute)
	next, err := e.svc.Refresh(e.ctx, first.Refresh)
	if err != nil {
		t.Fatal(err)
	}
	if next.Refresh == first.Refresh || family(next) != family(first) || !next.RefreshExpires.Equal(e.now.Add(auth.RefreshTokenTTL)) {
		t.Fatalf("rotation gave %+v after %+v", next, first)
	}
	e.now = e.now.Add(account.RefreshGrace - time.Second)
	again, err := e.svc.Refresh(e.ctx, first.Refresh)
	if err != nil {
		t.Fatalf("a reuse within the grace window: %v", err)
	}
	if again.Refresh != next.Refresh {
		t.Error("a reuse within the grace window got another token")
	}
	// The next token goes on as usual.
	third, err := e.svc.Refresh(e.ctx, next.Refresh)
	if err != nil || !e.live(third, ann.ID) {
		t.Fatalf("refresh of the next token: %v", err)
	}

	e.now = e.now.Add(2 * time.Second) // past the window of the first use
	_, err = e.svc.Refresh(e.ctx, first.Refresh)
	wantErr(t, err, chat.CodeUnauthorized, "refresh token reused; all sessions of this login were revoked")
	if e.live(third, ann.ID) {
		t.Error("the login goes on after a replay")
	}
	_, err = e.svc.Refresh(e.ctx, third.Refresh)
	wantErr(t, err, chat.CodeUnauthorized, unknownToken)
}

// TestRefreshRefuses: no token, an unknown one and an expired one get no
// tokens, each with its own answer.
func TestRefreshRefuses(t *testing.T) {
	e := newEnv(t)
	e.addAgent("ann@example.com", "correct-horse", nil)
	tok := e.login("ann@example.com", "correct-horse", "")
	tests := []struct {
		name, token, msg string
		later            time.Duration
	}{
		{name: "none", token: "", msg: "no refresh token; log in"},
		{name: "overlong", token: string(make([]byte, 129)), msg: "no refresh token; log in"},
		{name: "unknown", token: "00ff", msg: unknownToken},
		{name: "expired", token: tok.Refresh, later: auth.RefreshTokenTTL + time.Second, msg: "refresh token expired; log in"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.now = e.now.Add(tt.later)
			_, err := e.svc.Refresh(e.ctx, tt.token)
			wantErr(t, err, chat.CodeUnauthorized, tt.msg)
		})
	}
}

// TestLogout ends the login of its refresh token, and no other.
func TestLogout(t *testing.T) {
	e := newEnv(t)
	ann := e.addAgent("ann@example.com", "correct-horse", nil)
	here := e.login("ann@example.com", "correct-horse", "")
	there := e.login("ann@example.com", "correct-horse", "")
	if err := e.svc.Logout(e.ctx, here.Refresh); err != nil {
		t.Fatal(err)
	}
	if e.live(here, ann.ID) || !e.live(there, ann.ID) {
		t.Errorf("after a logout: that login live %v, the other %v; want false, true", e.live(here, ann.ID), e.live(there, ann.ID))
	}
	_, err := e.svc.Refresh(e.ctx, here.Refresh)
	wantErr(t, err, chat.CodeUnauthorized, unknownToken)
	for _, token := range []string{here.Refresh, "", "00ff"} {
		if err := e.svc.Logout(e.ctx, token); err != nil {
			t.Errorf("logout with %q: %v", token, err)
		}
	}
}
