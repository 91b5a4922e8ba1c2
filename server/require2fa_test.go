package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// An owner makes site-a require two-factor login. An agent of site-a who
// logs in with a password alone loses their open socket at once, may then
// only read /me (which says so), enrol and change their password, and
// cannot open a socket; once enrolled, everything works again. Admins
// cannot change the policy, and site-b's agent is not concerned.
func TestSiteRequiresTwoFactor(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	// Several logins, each a password hash: more than ctxT's 20 s under
	// -race on a busy machine (a CI run took 38 s).
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := e.client()
	_, owner := e.mustAgentWithRole(ctx, e.store, "owner@example.com", "site-a", chat.RoleOwner)
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	ws := e.mustAgentSocket(ctx, e.agentA)
	on := map[string]bool{"require_two_factor": true}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, on, nil), http.StatusForbidden)
	// The owner must have two factors first.
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/sites/site-a", owner, on, nil), http.StatusBadRequest)
	o, err := e.store.AgentByEmail(ctx, "owner@example.com")
	if err != nil {
		t.Fatal(err)
	}
	o.TOTPSecret = "JBSWY3DPEHPK3PXP"
	if err := e.store.UpdateAgent(ctx, o); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", owner, on, nil); err != nil {
		t.Fatal(err)
	}
	closed, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	var ce *client.CloseError
	if err := ws.Closed(closed); !errors.As(err, &ce) || ce.Code != 4003 {
		t.Errorf("the unenrolled agent's open socket: %v, want closed with 4003", err)
	}

	var me struct {
		TwoFactor         bool `json:"two_factor"`
		TwoFactorRequired bool `json:"two_factor_required"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/me", e.agentA, nil, &me); err != nil || !me.TwoFactorRequired {
		t.Fatalf("/me of the unenrolled agent: %+v %v; want two_factor_required", me, err)
	}
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/conversations?site=site-a", e.agentA, nil, nil), http.StatusForbidden)
	// The server says why in an error frame, then closes with 4003.
	if ws2, _, err := c.Dial(ctx, e.agentA); err == nil || !strings.Contains(err.Error(), "forbidden: a site of yours requires two-factor login") {
		t.Errorf("a new socket of the unenrolled agent: %v, want refused", err)
		if err == nil {
			ws2.Close()
		}
	}
	if err := c.Do(ctx, "GET", "/api/v1/conversations?site=site-b", e.agentB, nil, nil); err != nil {
		t.Errorf("site-b's agent: %v", err)
	}

	// Enrolment is allowed, and ends the restriction.
	var enrol struct {
		Secret string `json:"secret"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/me/totp", e.agentA, map[string]string{"current_password": "password-site-a"}, &enrol); err != nil {
		t.Fatal(err)
	}
	// A thief who had the password logged in too, and was held back.
	thief, err := c.Login(ctx, "a@example.com", "password-site-a", "")
	if err != nil {
		t.Fatal(err)
	}
	code, _ := totp.GenerateCode(enrol.Secret, time.Now())
	var confirmed struct {
		AccessToken string `json:"access_token"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/me/totp/confirm", e.agentA, map[string]string{"code": code}, &confirmed); err != nil {
		t.Fatal(err)
	}
	token := confirmed.AccessToken
	if err := c.Do(ctx, "GET", "/api/v1/conversations?site=site-a", token, nil, nil); err != nil {
		t.Errorf("after enrolling: %v", err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/me", token, nil, &me); err != nil || me.TwoFactorRequired || !me.TwoFactor {
		t.Errorf("/me after enrolling: %+v %v", me, err)
	}
	e.mustAgentSocket(ctx, token)
	// The enrolment does not let the password-only logins through: they
	// ended with it.
	// Nor can the agent turn it off while the site requires it.
	code, _ = totp.GenerateCode(enrol.Secret, time.Now())
	wantStatus(t, c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"current_password": "password-site-a", "code": code}, nil), http.StatusForbidden)
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/conversations?site=site-a", thief, nil, nil), http.StatusUnauthorized)
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/conversations?site=site-a", e.agentA, nil, nil), http.StatusUnauthorized)
}
