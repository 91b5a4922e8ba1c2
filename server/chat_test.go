package server_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

func TestVisitorAgentRoundTrip(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)

	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "c1", Text: "  你好，我的提现没到账  "}); err != nil {
		t.Fatal(err)
	}
	ack, err := v.ws.ExpectType(ctx, "ack")
	if err != nil {
		t.Fatal(err)
	}
	if ack.Message == nil || ack.Message.Seq != 1 || ack.Message.Text != "你好，我的提现没到账" || ack.Message.Author.Type != chat.AuthorVisitor {
		t.Fatalf("ack = %s", ack.Raw)
	}
	got, err := agent.Expect(ctx, func(f client.Frame) bool { return f.Type == "message" })
	if err != nil {
		t.Fatal(err)
	}
	if got.Message.ID != ack.Message.ID || got.Message.ConversationID != v.conv.ID {
		t.Fatalf("agent got %s, want the visitor's message %s", got.Raw, ack.Raw)
	}

	// The agent answers over REST; the visitor's socket gets it live.
	reply, err := e.client().Reply(ctx, e.agentA, v.conv.ID, "请提供订单号", "")
	if err != nil {
		t.Fatal(err)
	}
	if reply.Seq != 2 || reply.Author.Type != chat.AuthorAgent {
		t.Fatalf("reply = %+v", reply)
	}
	live, err := v.ws.ExpectType(ctx, "message")
	if err != nil {
		t.Fatal(err)
	}
	if live.Message.Text != "请提供订单号" || live.Message.Seq != 2 {
		t.Fatalf("visitor got %s", live.Raw)
	}

	// Typing and read receipts reach the other side.
	if err := agent.Send(client.Frame{Type: "typing", ConversationID: v.conv.ID, Typing: true}); err != nil {
		t.Fatal(err)
	}
	typing, err := v.ws.ExpectType(ctx, "typing")
	if err != nil {
		t.Fatal(err)
	}
	if !typing.Typing || typing.Author.Type != chat.AuthorAgent {
		t.Fatalf("typing = %s", typing.Raw)
	}
	if err := v.ws.Send(client.Frame{Type: "read", ConversationID: v.conv.ID, Seq: 2}); err != nil {
		t.Fatal(err)
	}
	read, err := agent.ExpectType(ctx, "read")
	if err != nil {
		t.Fatal(err)
	}
	if read.Seq != 2 || read.Author.Type != chat.AuthorVisitor {
		t.Fatalf("read = %s", read.Raw)
	}

	// Resolving reaches the visitor, who can then start again.
	if err := e.client().Do(ctx, "POST", "/api/v1/conversations/"+v.conv.ID+"/status", e.agentA, map[string]string{"status": "resolved"}, nil); err != nil {
		t.Fatal(err)
	}
	st, err := v.ws.ExpectType(ctx, "status")
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "resolved" {
		t.Fatalf("status = %s", st.Raw)
	}
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "c2", Text: "还在吗"}); err != nil {
		t.Fatal(err)
	}
	if f, _ := v.ws.ExpectType(ctx, "error"); f.Code != "conflict" || f.ClientID != "c2" {
		t.Fatalf("send to resolved conversation: %s", f.Raw)
	}
	next, err := e.client().StartConversation(ctx, "site-a", v.sess.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	if next.ID == v.conv.ID {
		t.Fatal("a resolved conversation was reused")
	}
}

// A client id is the sender's own: another sender who presents it gets a
// conflict, not the stored message, which may be an agents' note.
func TestClientIDOfAnotherSenderIsRefused(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	note := "内部备注：不要告诉访客"
	if err := e.client().Do(ctx, "POST", "/api/v1/conversations/"+v.conv.ID+"/messages", e.agentA,
		map[string]any{"text": note, "private": true, "client_id": "note-1"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "note-1", Text: "guess"}); err != nil {
		t.Fatal(err)
	}
	f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == "note-1" })
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "error" || f.Code != "conflict" || strings.Contains(string(f.Raw), note) {
		t.Fatalf("a visitor presenting a note's client id got %s", f.Raw)
	}
	msgs, err := e.client().Messages(ctx, e.agentA, v.conv.ID, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("stored %d messages (%v), want the note only", len(msgs), err)
	}
}

func TestDuplicateResendStoresOneCopy(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	var first client.Frame
	for i := 0; i < 3; i++ {
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: "same-id", Text: "hello"}); err != nil {
			t.Fatal(err)
		}
		ack, err := v.ws.ExpectType(ctx, "ack")
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			first = ack
			if ack.Duplicate {
				t.Fatal("first send flagged duplicate")
			}
			continue
		}
		if !ack.Duplicate || ack.Message.ID != first.Message.ID || !ack.Message.CreatedAt.Equal(first.Message.CreatedAt) {
			t.Fatalf("resend %d: ack %s, first %s", i, ack.Raw, first.Raw)
		}
	}
	// The REST path is idempotent too.
	for i := 0; i < 2; i++ {
		if _, err := e.client().Reply(ctx, e.agentA, v.conv.ID, "once", "agent-1"); err != nil {
			t.Fatal(err)
		}
	}
	msgs, err := e.client().Messages(ctx, e.agentA, v.conv.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("stored %d messages, want 2", len(msgs))
	}
}

func TestConcurrentSendersGetContiguousSeqs(t *testing.T) {
	const senders, each = 50, 4
	e := startEnv(t, func(o *serverOptions) { o.Limits.VisitorPer10s = 10000; o.Limits.IPPer10s = 100000 })
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	watchers := []*client.Socket{e.mustAgentSocket(ctx, e.agentA), e.mustAgentSocket(ctx, e.agentA)}

	// 50 senders: sockets of the visitor (tabs) and of agents.
	socks := make([]*client.Socket, senders)
	for i := range socks {
		if i%2 == 0 {
			ws, _, err := e.client().Dial(ctx, v.sess.Token)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { ws.Close() })
			socks[i] = ws
		} else {
			socks[i] = e.mustAgentSocket(ctx, e.agentA)
		}
	}
	var wg sync.WaitGroup
	errs := make(chan error, senders)
	for i, ws := range socks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < each; j++ {
				if err := ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: fmt.Sprintf("s%d-%d", i, j), Text: "x"}); err != nil {
					errs <- err
					return
				}
				ack, err := ws.ExpectType(ctx, "ack")
				if err != nil {
					errs <- err
					return
				}
				if ack.Message == nil {
					errs <- fmt.Errorf("bad ack %s", ack.Raw)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	total := senders * each
	for w, ws := range watchers {
		for seq := int64(1); seq <= int64(total); seq++ {
			f, err := ws.ExpectType(ctx, "message")
			if err != nil {
				t.Fatalf("watcher %d at seq %d: %v", w, seq, err)
			}
			if f.Message.Seq != seq {
				t.Fatalf("watcher %d got seq %d, want %d", w, f.Message.Seq, seq)
			}
		}
	}
	msgs, err := e.client().Messages(ctx, e.agentA, v.conv.ID, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != total || msgs[len(msgs)-1].Seq != int64(total) {
		t.Fatalf("stored %d messages, last seq %d; want %d", len(msgs), msgs[len(msgs)-1].Seq, total)
	}
}

func TestResumeReplaysWhatWasMissed(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.VisitorPer10s = 100000; o.Limits.IPPer10s = 100000 })
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	for i := 1; i <= 5; i++ {
		if _, err := e.client().Reply(ctx, e.agentA, v.conv.ID, fmt.Sprintf("m%d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	v.ws.Close()
	// Missed while away.
	for i := 6; i <= 8; i++ {
		if _, err := e.client().Reply(ctx, e.agentA, v.conv.ID, fmt.Sprintf("m%d", i), ""); err != nil {
			t.Fatal(err)
		}
	}
	ws, ready, err := e.client().Dial(ctx, v.sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if len(ready.Conversations) != 1 || ready.Conversations[0].LastSeq != 8 {
		t.Fatalf("ready = %s", ready.Raw)
	}
	tests := []struct {
		name     string
		lastSeq  int64
		state    string
		firstSeq int64
		count    int
	}{
		{"gap", 5, "ok", 6, 3},
		{"up to date", 8, "ok", 0, 0},
		{"from the future", 99, "reset", 1, 8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ws.Send(client.Frame{Type: "resume", ConversationID: v.conv.ID, LastSeq: tt.lastSeq}); err != nil {
				t.Fatal(err)
			}
			h, err := ws.ExpectType(ctx, "history")
			if err != nil {
				t.Fatal(err)
			}
			if h.State != tt.state || len(h.Messages) != tt.count || h.LastSeq != 8 {
				t.Fatalf("history = %s", h.Raw)
			}
			for i, m := range h.Messages {
				if m.Seq != tt.firstSeq+int64(i) {
					t.Fatalf("message %d has seq %d, want %d", i, m.Seq, tt.firstSeq+int64(i))
				}
			}
		})
	}
	t.Run("limited", func(t *testing.T) {
		for i := 9; i <= chat.ReplayLimit+20; i++ {
			if _, err := e.client().Reply(ctx, e.agentA, v.conv.ID, fmt.Sprintf("m%d", i), ""); err != nil {
				t.Fatal(err)
			}
		}
		// Drain the live copies.
		for i := 9; i <= chat.ReplayLimit+20; i++ {
			if _, err := ws.ExpectType(ctx, "message"); err != nil {
				t.Fatal(err)
			}
		}
		if err := ws.Send(client.Frame{Type: "resume", ConversationID: v.conv.ID, LastSeq: 2}); err != nil {
			t.Fatal(err)
		}
		h, err := ws.ExpectType(ctx, "history")
		if err != nil {
			t.Fatal(err)
		}
		if h.State != "limited" || len(h.Messages) != chat.ReplayLimit || h.Messages[0].Seq != 3 {
			t.Fatalf("limited history: state %s, %d messages", h.State, len(h.Messages))
		}
		// The rest pages over REST from the last seq received.
		last := h.Messages[len(h.Messages)-1].Seq
		var page struct {
			Messages []chat.Message `json:"messages"`
		}
		if err := e.client().Do(ctx, "GET", fmt.Sprintf("/api/v1/widget/site-a/conversations/%s/messages?after_seq=%d&limit=200", v.conv.ID, last), v.sess.Token, nil, &page); err != nil {
			t.Fatal(err)
		}
		if want := int64(chat.ReplayLimit + 20); len(page.Messages) == 0 || page.Messages[len(page.Messages)-1].Seq != want || page.Messages[0].Seq != last+1 {
			t.Fatalf("page after %d: %d messages", last, len(page.Messages))
		}
	})
}
