package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// An owner invites an agent, who sets a password through the link, once,
// and logs in; the owner makes them an admin, then disables them, which
// ends their login at once. Owners cannot disable themselves.
func TestInviteAndManageAgents(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	ownerID, owner := e.mustAgentWithRole(ctx, e.store, "owner@example.com", "site-a", chat.RoleOwner)

	var invited struct {
		Agent     chat.Agent `json:"agent"`
		InviteURL string     `json:"invite_url"`
	}
	in := map[string]any{"email": "new@example.com", "name": "王芳", "role": "agent"}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/agents", e.agentA, in, nil), http.StatusForbidden)
	if err := c.Do(ctx, "POST", "/api/v1/agents", owner, in, &invited); err != nil {
		t.Fatal(err)
	}
	token, ok := strings.CutPrefix(invited.InviteURL, e.url+"/inbox#invite/")
	if !ok || len(token) < 32 || invited.Agent.Role != chat.RoleAgent || invited.Agent.Sites[0] != "site-a" {
		t.Fatalf("invite = %+v", invited)
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/agents", owner, in, nil), http.StatusConflict)
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/agents", owner, map[string]any{"email": "x@example.com", "name": "X", "role": "agent", "sites": []string{"site-b"}}, nil), http.StatusNotFound)
	if _, err := c.Login(ctx, "new@example.com", "", ""); err == nil {
		t.Fatal("an invited agent logs in without a password")
	}

	accept := func(token, password string) error {
		return c.Do(ctx, "POST", "/api/v1/invites/"+token, "", map[string]string{"password": password}, nil)
	}
	wantStatus(t, accept("not-a-token", "a-good-password"), http.StatusNotFound)
	wantStatus(t, accept(token, "short"), http.StatusBadRequest)
	if err := accept(token, "a-good-password"); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, accept(token, "another-password"), http.StatusNotFound) // once
	agentToken, err := c.Login(ctx, "new@example.com", "a-good-password", "")
	if err != nil {
		t.Fatalf("the invited agent's login: %v", err)
	}

	var list struct {
		Agents []chat.Agent `json:"agents"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/agents", agentToken, nil, &list); err != nil || len(list.Agents) != 3 {
		t.Errorf("agents of site-a = %d, %v; want 3", len(list.Agents), err)
	}
	var got struct {
		Agent chat.Agent `json:"agent"`
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/agents/"+invited.Agent.ID, owner, map[string]any{"role": "admin"}, &got); err != nil || got.Agent.Role != chat.RoleAdmin {
		t.Fatalf("promote: %+v, %v", got.Agent, err)
	}
	if err := c.Do(ctx, "GET", "/api/v1/feedback", agentToken, nil, nil); err != nil {
		t.Errorf("the admin now reads feedback: %v", err)
	}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/agents/"+ownerID, owner, map[string]any{"disabled": true}, nil), http.StatusForbidden)
	ws := e.mustAgentSocket(ctx, agentToken)
	if err := c.Do(ctx, "PATCH", "/api/v1/agents/"+invited.Agent.ID, owner, map[string]any{"disabled": true}, nil); err != nil {
		t.Fatal(err)
	}
	closed, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	var ce *client.CloseError
	if err := ws.Closed(closed); !errors.As(err, &ce) || ce.Code != 4001 {
		t.Errorf("the disabled agent's open socket: %v, want closed with 4001 at once", err)
	}
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/me", agentToken, nil, nil), http.StatusUnauthorized)
	if _, err := c.Login(ctx, "new@example.com", "a-good-password", ""); err == nil {
		t.Error("a disabled agent logs in")
	}
	// Another site's agent is not found for site-a's owner.
	bAgent, err := e.store.AgentByEmail(ctx, "b@example.com")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/agents/"+bAgent.ID, owner, map[string]any{"name": "Hijacked"}, nil), http.StatusNotFound)
}
