package account_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// env is an account.Service on the embedded store, with a clock that the
// test moves.
type env struct {
	t      *testing.T
	ctx    context.Context
	st     *sqlite.Store
	issuer *auth.Issuer
	svc    *account.Service
	now    time.Time
}

func newEnv(t *testing.T) *env {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := &env{t: t, ctx: context.Background(), st: st, now: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
	clock := func() time.Time { return e.now }
	e.issuer = auth.NewIssuer([]byte("test-secret-test-secret-test-sec"), clock)
	e.svc = account.New(st, e.issuer, clock, nil)
	return e
}

// addAgent stores an agent with the email and password ("" for an invited
// agent who has none yet), changed by edit if not nil.
func (e *env) addAgent(email, password string, edit func(*chat.Agent)) *chat.Agent {
	e.t.Helper()
	a := &chat.Agent{ID: chat.NewID(), Email: email, Name: "Ann", Role: chat.RoleAgent, Sites: []string{"acme"}, CreatedAt: e.now}
	if password != "" {
		h, err := auth.HashPassword(password)
		if err != nil {
			e.t.Fatal(err)
		}
		a.PasswordHash = h
	}
	if edit != nil {
		edit(a)
	}
	if err := e.st.CreateAgent(e.ctx, a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// login logs in, and fails the test if that fails.
func (e *env) login(email, password, code string) account.Tokens {
	e.t.Helper()
	t, err := e.svc.Login(e.ctx, account.Credentials{Email: email, Password: password, Code: code}, nil)
	if err != nil {
		e.t.Fatalf("login of %s: %v", email, err)
	}
	return t
}

// live reports whether the login of an access token goes on, as the
// server's check of every request sees it; it fails the test unless the
// token is for agentID.
func (e *env) live(t account.Tokens, agentID string) bool {
	e.t.Helper()
	claims, err := e.issuer.ParseAccess(t.Access)
	if err != nil {
		e.t.Fatalf("access token: %v", err)
	}
	if claims.AgentID != agentID || claims.Session == "" {
		e.t.Fatalf("access token claims = %+v, want agent %s and a session", claims, agentID)
	}
	ok, err := e.st.FamilyActive(e.ctx, claims.Session)
	if err != nil {
		e.t.Fatal(err)
	}
	return ok
}

// wantErr fails the test unless err has the code and the message the API
// shows.
func wantErr(t *testing.T, err error, code chat.Code, msg string) {
	t.Helper()
	if chat.ErrorCode(err) != code || chat.ErrorMessage(err) != msg {
		t.Errorf("err = %v, want %s %q", err, code, msg)
	}
}

// wrongCode returns a six-digit code that the authenticator of secret
// does not show now.
func wrongCode(t *testing.T, secret string, now time.Time) string {
	t.Helper()
	for _, c := range []string{"000000", "111111", "222222"} {
		if !auth.CheckTOTP(secret, c, now) {
			return c
		}
	}
	t.Fatal("every candidate code is valid")
	return ""
}
