package server_test

import "testing"

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
