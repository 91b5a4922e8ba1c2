package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// Two agents on two nodes: what one views, types and resolves reaches the
// other live, with the name to show (the collision hint and the thread's
// activity line); the visitor hears of none of it but the typing.
func TestViewingAndActivitiesAcrossNodes(t *testing.T) {
	ctx := ctxT(t)
	one, two := startTwoNodes(t)
	one.rename(ctx, one.agentAID, "王芳")
	leiID, lei := one.mustAgent(ctx, one.store, "lei@example.com", "site-a")
	one.rename(ctx, leiID, "李雷")

	v := one.mustVisitor(ctx, "site-a")
	fang := one.mustAgentSocket(ctx, one.agentA)
	other := two.mustAgentSocket(ctx, lei)

	send := func(f client.Frame) {
		t.Helper()
		if err := other.Send(f); err != nil {
			t.Fatal(err)
		}
	}
	send(client.Frame{Type: "viewing", ConversationID: v.conv.ID, Viewing: true})
	f, err := fang.ExpectType(ctx, "viewing")
	if err != nil {
		t.Fatal(err)
	}
	if f.ConversationID != v.conv.ID || !strings.Contains(string(f.Raw), `"viewing":true`) || f.Author == nil ||
		f.Author.ID != leiID || f.Author.Name != "李雷" || f.Author.Type != chat.AuthorAgent {
		t.Fatalf("viewing frame on node one: %s", f.Raw)
	}
	send(client.Frame{Type: "typing", ConversationID: v.conv.ID, Typing: true})
	if f, err = fang.ExpectType(ctx, "typing"); err != nil || f.Author == nil || f.Author.ID != leiID || !f.Typing {
		t.Fatalf("typing frame on node one: %v %s", err, f.Raw)
	}
	send(client.Frame{Type: "viewing", ConversationID: v.conv.ID})
	if f, err = fang.ExpectType(ctx, "viewing"); err != nil || !strings.Contains(string(f.Raw), `"viewing":false`) {
		t.Fatalf("leaving frame on node one: %v %s", err, f.Raw)
	}

	// Resolved through node two: node one's agent sees who did it.
	if err := two.client().Do(ctx, "POST", "/api/v1/conversations/"+v.conv.ID+"/status?site=site-a", lei, map[string]string{"status": "resolved"}, nil); err != nil {
		t.Fatal(err)
	}
	f, err = fang.Expect(ctx, func(f client.Frame) bool { return f.Type == "message" && f.Message.Event != nil })
	if err != nil {
		t.Fatal(err)
	}
	if ev := f.Message.Event; ev.Kind != chat.ActivityStatus || ev.Status != chat.StatusResolved || ev.By.Name != "李雷" {
		t.Errorf("activity on node one: %s", f.Raw)
	}

	// The visitor got the typing and the placeholder, never a viewing
	// frame, an agent's id or the activity's names; and may not send a
	// viewing frame.
	if err := v.ws.Send(client.Frame{Type: "viewing", ConversationID: v.conv.ID, Viewing: true}); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := v.ws.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The widget shows who is typing by name, as before.
		named := f.Type != "typing" && strings.Contains(string(f.Raw), "李雷")
		if f.Type == "viewing" || strings.Contains(string(f.Raw), leiID) || named {
			t.Fatalf("the visitor got %s", f.Raw)
		}
		if f.Type == "error" {
			if f.Code != string(chat.CodeForbidden) {
				t.Errorf("a visitor's viewing frame: %s", f.Raw)
			}
			break
		}
	}
	// An agent does not hear their own signal back.
	if err := other.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Expect(context.Background(), func(f client.Frame) bool {
		if f.Type == "viewing" {
			t.Errorf("the agent's own viewing came back: %s", f.Raw)
		}
		return f.Type == "pong"
	}); err != nil {
		t.Fatal(err)
	}
}

// A viewing frame names a conversation the agent may see: another site's,
// or a malformed id, is refused.
func TestViewingIsScoped(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	b := e.mustAgentSocket(ctx, e.agentB)
	for _, tt := range []struct {
		name string
		id   string
		code chat.Code
	}{
		{"other site's conversation", v.conv.ID, chat.CodeNotFound},
		{"malformed id", "a b", chat.CodeInvalid},
	} {
		if err := b.Send(client.Frame{Type: "viewing", ConversationID: tt.id, Viewing: true}); err != nil {
			t.Fatal(err)
		}
		f, err := b.ExpectType(ctx, "error")
		if err != nil || f.Code != string(tt.code) {
			t.Errorf("%s: %v %s", tt.name, err, f.Raw)
		}
	}
}
