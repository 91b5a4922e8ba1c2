package server_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/kefu/kefu/client"
)

func TestPresenceFollowsAgents(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	sess, err := c.NewSession(ctx, "site-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	ws, ready, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if ready.AgentsOnline == nil || *ready.AgentsOnline {
		t.Fatalf("ready says agents online with none connected: %s", ready.Raw)
	}
	// An agent of another site changes nothing for site A.
	b := e.mustAgentSocket(ctx, e.agentB)
	agent := e.mustAgentSocket(ctx, e.agentA)
	f, err := ws.ExpectType(ctx, "presence")
	if err != nil {
		t.Fatal(err)
	}
	if f.AgentsOnline == nil || !*f.AgentsOnline {
		t.Fatalf("presence after agent A connected: %s", f.Raw)
	}
	var cfg struct {
		AgentsOnline bool `json:"agents_online"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/config", "", nil, &cfg); err != nil || !cfg.AgentsOnline {
		t.Fatalf("config agents_online = %v, %v", cfg.AgentsOnline, err)
	}
	agent.Close()
	f, err = ws.ExpectType(ctx, "presence")
	if err != nil {
		t.Fatal(err)
	}
	if f.AgentsOnline == nil || *f.AgentsOnline {
		t.Fatalf("presence after agent A left: %s", f.Raw)
	}
	b.Close()
}

// nextBesidesPresence returns the next frame of an agent's socket that is
// not the presence of site's agents; the presence of another site's
// agents fails the test.
func nextBesidesPresence(ctx context.Context, t *testing.T, ws *client.Socket, site string) client.Frame {
	t.Helper()
	for {
		f, err := ws.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type != "presence" {
			return f
		}
		if f.Site != site {
			t.Fatalf("an agent of %s got %s", site, f.Raw)
		}
	}
}

// widgetOnline is what the site's widget configuration says.
func widgetOnline(ctx context.Context, t *testing.T, e *env, site string) bool {
	t.Helper()
	var cfg struct {
		AgentsOnline bool `json:"agents_online"`
	}
	if err := e.client().Do(ctx, "GET", "/api/v1/widget/"+site+"/config", "", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	return cfg.AgentsOnline
}

// waitWidgetOnline waits until e's widget config for site says want: a
// node learns of another node's agents through the bus, a moment after
// the visitors' frames go out.
func waitWidgetOnline(ctx context.Context, t *testing.T, e *env, site string, want bool) bool {
	t.Helper()
	for end := time.Now().Add(5 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if widgetOnline(ctx, t, e, site) == want {
			return true
		}
	}
	return false
}

// expectAgents waits for the presence frame of site's agents that says
// want, and fails on any frame with another site.
func expectAgents(ctx context.Context, t *testing.T, ws *client.Socket, site string, want map[string]string) {
	t.Helper()
	var last client.Frame
	_, err := ws.Expect(ctx, func(f client.Frame) bool {
		if f.Type != "presence" {
			return false
		}
		if f.Site != site {
			t.Errorf("an agent of %s got %s", site, f.Raw)
		}
		last = f
		return maps.Equal(f.Agents, want)
	})
	if err != nil {
		t.Fatalf("no presence frame saying %v (the last said %s): %v", want, last.Raw, err)
	}
}

// expectOnline waits for the visitor's presence frame and checks it.
func expectOnline(ctx context.Context, t *testing.T, ws *client.Socket, want bool) {
	t.Helper()
	f, err := ws.ExpectType(ctx, "presence")
	if err != nil {
		t.Fatal(err)
	}
	if f.AgentsOnline == nil || *f.AgentsOnline != want {
		t.Fatalf("visitor got %s, want agents_online %v", f.Raw, want)
	}
}

// An agent who is away or offline does not count as online for visitors,
// even with the inbox open; another tab of theirs that is online does.
func TestPresenceAwayAndOffline(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	expectOnline(ctx, t, v.ws, true)
	expectAgents(ctx, t, agent, "site-a", map[string]string{e.agentAID: "online"})

	for _, step := range []struct {
		name   string
		status string
		online bool
	}{
		{name: "away", status: "away"},
		{name: "offline", status: "offline"},
		{name: "back", status: "online", online: true},
		{name: "away again", status: "away"},
	} {
		if err := agent.Send(client.Frame{Type: "presence", Status: step.status}); err != nil {
			t.Fatal(err)
		}
		expectAgents(ctx, t, agent, "site-a", map[string]string{e.agentAID: step.status})
		if step.name != "offline" { // away → offline changes nothing for visitors
			expectOnline(ctx, t, v.ws, step.online)
		}
		if got := widgetOnline(ctx, t, e, "site-a"); got != step.online {
			t.Errorf("%s: widget config agents_online = %v, want %v", step.name, got, step.online)
		}
	}

	// A second tab that authenticates as away keeps the site offline from
	// its first moment; one that is online brings it online.
	raw := e.agentSaying(ctx, e.agentA, "away")
	if f, err := raw.ExpectType(ctx, "ready"); err != nil {
		t.Fatalf("ready: %v %s", err, f.Raw)
	}
	expectAgents(ctx, t, raw, "site-a", map[string]string{e.agentAID: "away"})
	if widgetOnline(ctx, t, e, "site-a") {
		t.Error("a tab that connects as away made the site online")
	}
	if err := raw.Send(client.Frame{Type: "presence", Status: "online"}); err != nil {
		t.Fatal(err)
	}
	expectOnline(ctx, t, v.ws, true)
	expectAgents(ctx, t, agent, "site-a", map[string]string{e.agentAID: "online"})
	// Closing the online tab leaves the away one.
	raw.Close()
	expectOnline(ctx, t, v.ws, false)
	expectAgents(ctx, t, agent, "site-a", map[string]string{e.agentAID: "away"})
	// The agent's last tab closes: they are gone from the presence map.
	otherID, token := e.mustAgent(ctx, e.store, "a2@example.com", "site-a")
	other := e.mustAgentSocket(ctx, token)
	expectAgents(ctx, t, other, "site-a", map[string]string{e.agentAID: "away", otherID: "online"})
	agent.Close()
	expectAgents(ctx, t, other, "site-a", map[string]string{otherID: "online"})
}

func TestPresenceBadFrames(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	for _, tc := range []struct {
		name string
		ws   *client.Socket
		raw  string
	}{
		{name: "unknown status", ws: agent, raw: `{"type":"presence","status":"busy","id":"p1"}`},
		{name: "no status", ws: agent, raw: `{"type":"presence","id":"p1"}`},
		{name: "status of another shape", ws: agent, raw: `{"type":"presence","status":{"$ne":null},"id":"p1"}`},
		{name: "a visitor", ws: v.ws, raw: `{"type":"presence","status":"online","id":"p1"}`},
	} {
		if err := tc.ws.SendRaw([]byte(tc.raw)); err != nil {
			t.Fatal(err)
		}
		f, err := tc.ws.ExpectType(ctx, "error")
		if err != nil {
			t.Fatal(err)
		}
		if f.Code != "invalid" {
			t.Errorf("%s: got %s, want invalid", tc.name, f.Raw)
		}
	}
	// The agent is still online, and the sockets still work.
	if !widgetOnline(ctx, t, e, "site-a") {
		t.Error("bad presence frames took the agent offline")
	}
	if err := agent.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if f := nextBesidesPresence(ctx, t, agent, "site-a"); f.Type != "pong" {
		t.Errorf("after bad frames the agent got %s", f.Raw)
	}
	// An auth frame with a bad status is refused.
	raw := e.agentSaying(ctx, e.agentA, "busy")
	if f, err := raw.ExpectType(ctx, "error"); err != nil || f.Code != "invalid" {
		t.Errorf("auth with a bad status: %v %s", err, f.Raw)
	}
}

// Presence crosses nodes: an agent on node two going away takes the site
// offline for a visitor on node one, and another agent on node one sees it.
func TestPresenceAcrossNodes(t *testing.T) {
	ctx := ctxT(t)
	one, two := startTwoNodes(t)
	v := one.mustVisitor(ctx, "site-a")
	colleagueID, token := one.mustAgent(ctx, one.store, "colleague@example.com", "site-a")
	colleague := one.mustAgentSocket(ctx, token)
	if err := colleague.Send(client.Frame{Type: "presence", Status: "offline"}); err != nil {
		t.Fatal(err)
	}
	expectAgents(ctx, t, colleague, "site-a", map[string]string{colleagueID: "offline"})

	agent := two.mustAgentSocket(ctx, two.agentA)
	expectOnline(ctx, t, v.ws, true)
	both := map[string]string{colleagueID: "offline", one.agentAID: "online"}
	expectAgents(ctx, t, colleague, "site-a", both)
	expectAgents(ctx, t, agent, "site-a", both)
	if !waitWidgetOnline(ctx, t, one, "site-a", true) {
		t.Error("node one's widget config says nobody is online")
	}

	if err := agent.Send(client.Frame{Type: "presence", Status: "away"}); err != nil {
		t.Fatal(err)
	}
	expectOnline(ctx, t, v.ws, false)
	expectAgents(ctx, t, colleague, "site-a", map[string]string{colleagueID: "offline", one.agentAID: "away"})
	for _, n := range []*env{one, two} {
		if !waitWidgetOnline(ctx, t, n, "site-a", false) {
			t.Errorf("%s's widget config says an agent is online", n.url)
		}
	}
	// The colleague on node one comes online: both nodes count them.
	if err := colleague.Send(client.Frame{Type: "presence", Status: "online"}); err != nil {
		t.Fatal(err)
	}
	expectOnline(ctx, t, v.ws, true)
	expectAgents(ctx, t, agent, "site-a", map[string]string{colleagueID: "online", one.agentAID: "away"})
	if !waitWidgetOnline(ctx, t, two, "site-a", true) {
		t.Error("node two's widget config misses the colleague on node one")
	}
}

// agentSaying opens an agent's socket whose auth frame carries status.
func (e *env) agentSaying(ctx context.Context, token, status string) *client.Socket {
	e.t.Helper()
	c := e.client()
	c.Origin = e.url
	raw, err := c.DialRaw(ctx)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { raw.Close() })
	if err := raw.Send(client.Frame{Type: "auth", Token: token, Status: status}); err != nil {
		e.t.Fatal(err)
	}
	return raw
}
