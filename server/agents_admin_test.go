package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
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
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/agents", owner, in, nil), http.StatusConflict)
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
	// A role is the agent's on all their sites: an owner of site-a alone
	// cannot promote, rename or disable an agent who also works on site-b,
	// nor learn that site's key; they can take site-a away from them.
	both := &chat.Agent{Email: "both@example.com", Name: "Both", Role: chat.RoleAgent, Sites: []string{"site-a", "site-b"}, CreatedAt: time.Now()}
	if err := e.store.CreateAgent(ctx, both); err != nil {
		t.Fatal(err)
	}
	for _, p := range []map[string]any{{"role": "owner"}, {"disabled": true}, {"name": "Renamed"}} {
		wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/agents/"+both.ID, owner, p, nil), http.StatusForbidden)
	}
	if err := c.Do(ctx, "GET", "/api/v1/agents", owner, nil, &list); err != nil {
		t.Fatal(err)
	}
	for _, ag := range list.Agents {
		if ag.ID == both.ID && (len(ag.Sites) != 1 || ag.Sites[0] != "site-a") {
			t.Errorf("site-a's owner sees Both's sites as %v, want [site-a]", ag.Sites)
		}
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/agents/"+both.ID, owner, map[string]any{"sites": []string{}}, nil); err != nil {
		t.Fatalf("take site-a away: %v", err)
	}
	if stored, err := e.store.Agent(ctx, both.ID); err != nil || len(stored.Sites) != 1 || stored.Sites[0] != "site-b" || stored.Role != chat.RoleAgent {
		t.Errorf("after site-a's owner took site-a away: %+v, %v; want site-b kept, role agent", stored, err)
	}

	// Another site's agent is not found for site-a's owner.
	bAgent, err := e.store.AgentByEmail(ctx, "b@example.com")
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/agents/"+bAgent.ID, owner, map[string]any{"name": "Hijacked"}, nil), http.StatusNotFound)
}

// An invite works for 7 days; after that, inviting the same email again
// gives a new link, which works, and the old one does not.
func TestInviteExpiresAndIsReissued(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	e := startEnv(t, func(o *serverOptions) {
		o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
		o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100
	})
	ctx := ctxT(t)
	c := e.client()
	_, owner := e.mustAgentWithRole(ctx, e.store, "owner@example.com", "site-a", chat.RoleOwner)
	invite := func() string {
		var out struct {
			InviteURL string `json:"invite_url"`
		}
		if err := c.Do(ctx, "POST", "/api/v1/agents", owner, map[string]any{"email": "late@example.com", "name": "Late", "role": "agent"}, &out); err != nil {
			t.Fatal(err)
		}
		return strings.TrimPrefix(out.InviteURL, e.url+"/inbox#invite/")
	}
	accept := func(token string) error {
		return c.Do(ctx, "POST", "/api/v1/invites/"+token, "", map[string]string{"password": "late-password"}, nil)
	}
	first := invite()
	mu.Lock()
	now = now.Add(chat.InviteTTL + time.Hour)
	mu.Unlock()
	wantStatus(t, accept(first), http.StatusNotFound)
	second := invite()
	if second == first {
		t.Fatal("the new invite has the old link")
	}
	wantStatus(t, accept(first), http.StatusNotFound)
	if err := accept(second); err != nil {
		t.Fatalf("the new link: %v", err)
	}
	// With a password set, the email is taken for good.
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/agents", owner, map[string]any{"email": "late@example.com", "name": "Late", "role": "agent"}, nil), http.StatusConflict)
}
