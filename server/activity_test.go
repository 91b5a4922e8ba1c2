package server_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// rename gives an agent a name, before they connect.
func (e *env) rename(ctx context.Context, id, name string) {
	e.t.Helper()
	a, err := e.store.Agent(ctx, id)
	if err == nil {
		a.Name = name
		err = e.store.UpdateAgent(ctx, a)
	}
	if err != nil {
		e.t.Fatalf("rename agent: %v", err)
	}
}

// Who assigned, unassigned, set pending and resolved a conversation is
// stored in its thread and reaches the agents live; the visitor's socket
// and REST history get only the seqs, never a name or an event.
func TestActivitiesReachAgentsNotVisitors(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	e.rename(ctx, e.agentAID, "王芳")
	leiID, _ := e.mustAgent(ctx, e.store, "lei@example.com", "site-a")
	e.rename(ctx, leiID, "李雷")
	v := e.mustVisitor(ctx, "site-a")
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "hello", Text: "你好"}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.ws.ExpectType(ctx, "ack"); err != nil {
		t.Fatal(err)
	}
	agent := e.mustAgentSocket(ctx, e.agentA)

	path := "/api/v1/conversations/" + v.conv.ID
	steps := []struct {
		path string
		body map[string]string
		want chat.Activity
	}{
		{"/assign", map[string]string{"agent_id": leiID}, chat.Activity{Kind: chat.ActivityAssign, To: &chat.Author{Type: chat.AuthorAgent, ID: leiID, Name: "李雷"}}},
		{"/assign", map[string]string{"agent_id": leiID}, chat.Activity{}}, // no change, no record
		{"/status", map[string]string{"status": "pending"}, chat.Activity{Kind: chat.ActivityStatus, Status: chat.StatusPending}},
		{"/assign", map[string]string{"agent_id": ""}, chat.Activity{Kind: chat.ActivityAssign}},
		{"/status", map[string]string{"status": "resolved"}, chat.Activity{Kind: chat.ActivityStatus, Status: chat.StatusResolved}},
	}
	var want []chat.Activity
	for _, s := range steps {
		if err := c.Do(ctx, "POST", path+s.path+"?site=site-a", e.agentA, s.body, nil); err != nil {
			t.Fatalf("%s %v: %v", s.path, s.body, err)
		}
		if s.want.Kind != "" {
			s.want.By = chat.Author{Type: chat.AuthorAgent, ID: e.agentAID, Name: "王芳"}
			want = append(want, s.want)
		}
	}

	// The acting agent's own socket gets every line, live, in order.
	for i, w := range want {
		f, err := agent.Expect(ctx, func(f client.Frame) bool { return f.Type == "message" })
		if err != nil {
			t.Fatal(err)
		}
		m := f.Message
		if m.Seq != int64(i+2) || !m.Private || m.Author.Type != chat.AuthorSystem || m.Event == nil {
			t.Fatalf("activity %d: %s", i, f.Raw)
		}
		if d := cmp.Diff(w, *m.Event); d != "" {
			t.Errorf("activity %d (-want +got):\n%s", i, d)
		}
	}
	// They are stored: the history shows them; the list still shows the
	// visitor's message last.
	msgs, err := c.Messages(ctx, e.agentA, v.conv.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1+len(want) || msgs[0].Event != nil {
		t.Fatalf("history: %+v", msgs)
	}
	for i, w := range want {
		if got := msgs[i+1].Event; got == nil || cmp.Diff(w, *got) != "" {
			t.Errorf("stored activity %d: %+v, want %+v", i, got, w)
		}
	}
	var conv struct {
		Conversation client.Conversation `json:"conversation"`
	}
	if err := c.Do(ctx, "GET", path+"?site=site-a", e.agentA, nil, &conv); err != nil {
		t.Fatal(err)
	}
	if lm := conv.Conversation.LastMessage; conv.Conversation.LastSeq != 5 || lm == nil || lm.Text != "你好" {
		t.Errorf("conversation after activities: last_seq %d, last message %+v", conv.Conversation.LastSeq, lm)
	}

	// The visitor: placeholders live, placeholders in the history, and
	// their own message last in their list.
	secret := func(where string, raw []byte) {
		t.Helper()
		for _, s := range []string{"王芳", "李雷", `"event"`, `"system"`, leiID} {
			if strings.Contains(string(raw), s) {
				t.Errorf("%s shows the visitor %q: %s", where, s, raw)
			}
		}
	}
	for seq := int64(2); seq <= 5; seq++ {
		f, err := v.ws.Expect(ctx, func(f client.Frame) bool { secret("a socket frame", f.Raw); return f.Type == "message" })
		if err != nil {
			t.Fatal(err)
		}
		if f.Message.Seq != seq || !f.Message.Private || f.Message.Text != "" || f.Message.Event != nil {
			t.Errorf("visitor's frame for seq %d: %s", seq, f.Raw)
		}
	}
	var raw json.RawMessage
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/conversations/"+v.conv.ID+"/messages", v.sess.Token, nil, &raw); err != nil {
		t.Fatal(err)
	}
	secret("the history", raw)
	var hist struct {
		Messages []chat.Message `json:"messages"`
	}
	if err := json.Unmarshal(raw, &hist); err != nil || len(hist.Messages) != 5 || hist.Messages[4].Seq != 5 || !hist.Messages[4].Private {
		t.Errorf("visitor's history: %v %s", err, raw)
	}
	if err := c.Do(ctx, "GET", "/api/v1/widget/site-a/conversations", v.sess.Token, nil, &raw); err != nil {
		t.Fatal(err)
	}
	secret("the conversation list", raw)
	if !strings.Contains(string(raw), "你好") {
		t.Errorf("visitor's list lost their last message: %s", raw)
	}
}
