package server_test

import (
	"testing"

	"github.com/kefu/kefu/client"
)

// A visitor's rating reaches the agents' open inboxes at once, as a
// conversation frame that carries it.
func TestRatingArrivesLive(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	c := e.client()
	if err := c.Do(ctx, "POST", "/api/v1/conversations/"+v.conv.ID+"/status?site=site-a", e.agentA, map[string]string{"status": "resolved"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "POST", "/api/v1/widget/site-a/conversations/"+v.conv.ID+"/rating", v.sess.Token, map[string]any{"rating": 4, "comment": "很快"}, nil); err != nil {
		t.Fatal(err)
	}
	f, err := agent.Expect(ctx, func(f client.Frame) bool {
		return f.Type == "conversation" && f.Conversation != nil && f.Conversation.ID == v.conv.ID && f.Conversation.Rating > 0
	})
	if err != nil {
		t.Fatalf("no live rating: %v", err)
	}
	if f.Conversation.Rating != 4 || f.Conversation.RatingComment != "很快" {
		t.Errorf("the live rating: %d %q", f.Conversation.Rating, f.Conversation.RatingComment)
	}
}
