package server_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/bus/natstest"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// TestTwoNodesOverNATS runs two kefu servers that share a database and an
// embedded NATS server. A visitor on one node and an agent on the other
// chat live, and presence crosses nodes.
func TestTwoNodesOverNATS(t *testing.T) {
	ctx := ctxT(t)
	one, two := startTwoNodes(t, func(o *serverOptions) { o.Limits.VisitorPer10s = 1000 })

	v := one.mustVisitor(ctx, "site-a")
	agent := two.mustAgentSocket(ctx, one.agentA)
	if f, err := v.ws.ExpectType(ctx, "presence"); err != nil || f.AgentsOnline == nil || !*f.AgentsOnline {
		t.Fatalf("presence across nodes: %v %s", err, f.Raw)
	}
	for i := 1; i <= 20; i++ {
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: fmt.Sprintf("n%d", i), Text: "hi"}); err != nil {
			t.Fatal(err)
		}
	}
	for i := int64(1); i <= 20; i++ {
		f, err := agent.ExpectType(ctx, "message")
		if err != nil {
			t.Fatal(err)
		}
		if f.Message.Seq != i {
			t.Fatalf("agent on node two got seq %d, want %d", f.Message.Seq, i)
		}
	}
	// The agent answers through node two's REST API.
	if _, err := two.client().Reply(context.Background(), one.agentA, v.conv.ID, "来自另一节点", ""); err != nil {
		t.Fatal(err)
	}
	if f, err := v.ws.ExpectType(ctx, "message"); err != nil || f.Message.Text != "来自另一节点" {
		t.Fatalf("visitor on node one: %v %s", err, f.Raw)
	}
	// An agent of site B on node two hears nothing of site A.
	b := two.mustAgentSocket(ctx, one.agentB)
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "secret", Text: "site A only"}); err != nil {
		t.Fatal(err)
	}
	if _, err := agent.Expect(ctx, func(f client.Frame) bool { return f.Type == "message" && f.Message.ClientID == "secret" }); err != nil {
		t.Fatal(err)
	}
	if err := b.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if f := nextBesidesPresence(ctx, t, b, "site-b"); f.Type != "pong" {
		t.Fatalf("site B's agent got %s before its pong", f.Raw)
	}

	// An admin changes the greeting on node two: the visitor's widget on
	// node one is told at once, and node one serves the new settings at
	// once, not when its copy expires.
	var cfg struct {
		Greeting string `json:"greeting"`
	}
	if err := one.client().Do(ctx, "GET", "/api/v1/widget/site-a/config?lang=en", "", nil, &cfg); err != nil {
		t.Fatal(err)
	}
	_, admin := one.mustAgentWithRole(ctx, one.store, "admin@example.com", "site-a", chat.RoleAdmin)
	patch := map[string]any{"greeting": map[string]string{"en": "Hello from node two"}}
	if err := two.client().Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, patch, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ws.ExpectType(ctx, "settings"); err != nil {
		t.Fatalf("the visitor on node one was not told of the change: %v", err)
	}
	if err := one.client().Do(ctx, "GET", "/api/v1/widget/site-a/config?lang=en", "", nil, &cfg); err != nil || cfg.Greeting != "Hello from node two" {
		t.Errorf("node one's greeting right after the change: %q (%v)", cfg.Greeting, err)
	}
}

// startTwoNodes starts two kefu servers on an embedded NATS server, each
// with its own store, as two processes would have, on one database. The
// first has the sites and agents of startEnv; the second shares them.
func startTwoNodes(t *testing.T, opts ...envOption) (one, two *env) {
	t.Helper()
	url := natstest.Start(t)
	connect := func() *bus.NATS {
		n, err := bus.ConnectNATS(ctxT(t), url, slog.New(slog.DiscardHandler))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = n.Close() })
		return n
	}
	dir := filepath.Join(t.TempDir(), "db")
	one = startEnvWithStore(t, mustOpenStoreAt(t, dir), connect(), opts...)
	two = startNode(t, mustOpenStoreAt(t, dir), connect(), opts...)
	two.agentA, two.agentB = one.agentA, one.agentB // same secret, same database
	return one, two
}

// A node cut off from NATS may have missed events: once it is back, its
// sockets are told to catch up.
func TestBusGapSendsResync(t *testing.T) {
	ctx := ctxT(t)
	srv := natstest.StartServer(t, -1)
	port := srv.Addr().(*net.TCPAddr).Port
	n, err := bus.ConnectNATS(ctx, srv.ClientURL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	e := startEnvWithStore(t, mustOpenStore(t), n)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)

	srv.Shutdown()
	srv.WaitForShutdown()
	natstest.StartServer(t, port)
	for name, ws := range map[string]*client.Socket{"visitor": v.ws, "agent": agent} {
		if _, err := ws.ExpectType(ctx, "resync"); err != nil {
			t.Fatalf("the %s got no resync after NATS came back: %v", name, err)
		}
	}
	// The sockets still work.
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "after-gap", Text: "还在吗"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ws.ExpectType(ctx, "ack"); err != nil {
		t.Fatal(err)
	}
}

// gapBus is the in-process bus with a gap source the test triggers; the
// reporting of real gaps is tested against a real NATS server in bus/.
type gapBus struct {
	*bus.Local
	gap func(subject string)
}

func (b *gapBus) OnGap(fn func(subject string)) { b.gap = fn }

// A burst of gap reports, as NATS gives for a slow consumer, makes one
// resync at once and one more when a second is up, not one each.
func TestResyncsAreCoalesced(t *testing.T) {
	ctx := ctxT(t)
	b := &gapBus{Local: bus.NewLocal()}
	e := startEnvWithStore(t, mustOpenStore(t), b)
	v := e.mustVisitor(ctx, "site-a")
	for range 50 {
		b.gap(chat.SiteSubject("site-a"))
	}
	got := 0
	deadline, cancel := context.WithTimeout(ctx, 2500*time.Millisecond)
	defer cancel()
	for {
		f, err := v.ws.Next(deadline)
		if err != nil {
			break
		}
		if f.Type == "resync" {
			got++
		}
	}
	if got != 2 {
		t.Fatalf("%d resyncs after a burst of 50 gaps, want 2 (one at once, one after a second)", got)
	}
}
