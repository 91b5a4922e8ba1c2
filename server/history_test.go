package server_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// TestScrollBack pages back through a conversation with before_seq, as
// the inbox and the widget do: each page is the newest messages before the
// seq, in order, and the pages meet with no gap. The visitor sees the
// agents' notes only as placeholders, and nobody else's conversation.
func TestScrollBack(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	const n = 120
	for i := 1; i <= n; i++ {
		m := &chat.Message{Site: "site-a", ConversationID: v.conv.ID, Author: chat.Author{Type: chat.AuthorAgent, ID: e.agentAID, Name: "A"},
			ClientID: fmt.Sprintf("seed-%d", i), Text: fmt.Sprintf("m%d", i), Private: i%10 == 0, CreatedAt: time.Now()}
		if _, err := e.store.AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	type page struct {
		Messages []chat.Message `json:"messages"`
		LastSeq  int64          `json:"last_seq"`
	}
	agentPath := "/api/v1/conversations/" + v.conv.ID + "/messages"
	visitorPath := "/api/v1/widget/site-a/conversations/" + v.conv.ID + "/messages"

	// Both page back from the end to seq 1, 50 at a time.
	for _, who := range []struct {
		name, path, token string
	}{{"agent", agentPath, e.agentA}, {"visitor", visitorPath, v.sess.Token}} {
		t.Run(who.name, func(t *testing.T) {
			var p page
			if err := e.client().Do(ctx, http.MethodGet, who.path+"?limit=1", who.token, nil, &p); err != nil {
				t.Fatal(err)
			}
			last := p.LastSeq
			if last < n {
				t.Fatalf("last_seq %d, want at least %d", last, n)
			}
			var got []chat.Message
			before := last + 1
			for pages := 0; ; pages++ {
				if pages > n {
					t.Fatal("paging back does not end")
				}
				var p page
				if err := e.client().Do(ctx, http.MethodGet, fmt.Sprintf("%s?before_seq=%d", who.path, before), who.token, nil, &p); err != nil {
					t.Fatal(err)
				}
				if len(p.Messages) == 0 {
					break
				}
				if len(p.Messages) > 50 {
					t.Fatalf("a page of %d messages, over the default 50", len(p.Messages))
				}
				if end := p.Messages[len(p.Messages)-1].Seq; end != before-1 {
					t.Fatalf("the page before %d ends at %d", before, end)
				}
				got = append(p.Messages, got...)
				before = p.Messages[0].Seq
			}
			if int64(len(got)) != last {
				t.Fatalf("paged back through %d messages, want %d", len(got), last)
			}
			for i, m := range got {
				if m.Seq != int64(i+1) {
					t.Fatalf("message %d has seq %d", i, m.Seq)
				}
				switch {
				case who.name == "visitor" && m.Private && (m.Text != "" || m.Author.Type != ""):
					t.Fatalf("the visitor got note %d with %q by %q", m.Seq, m.Text, m.Author.Type)
				case who.name == "agent" && m.Private && (m.Text == "" || m.Author.Type != chat.AuthorAgent):
					t.Fatalf("the agent got note %d without its text", m.Seq)
				}
			}
			notes := 0
			for _, m := range got {
				if m.Private {
					notes++
				}
			}
			if notes != n/10 {
				t.Fatalf("%d notes (or placeholders), want %d", notes, n/10)
			}
		})
	}

	t.Run("limit", func(t *testing.T) {
		var p page
		if err := e.client().Do(ctx, http.MethodGet, agentPath+"?before_seq=30&limit=7", e.agentA, nil, &p); err != nil {
			t.Fatal(err)
		}
		if len(p.Messages) != 7 || p.Messages[0].Seq != 23 || p.Messages[6].Seq != 29 {
			t.Fatalf("before 30, limit 7: %d messages from %d", len(p.Messages), p.Messages[0].Seq)
		}
	})

	other := e.mustVisitor(ctx, "site-a")
	tests := []struct {
		name, path, token string
		status            int
	}{
		{"another visitor", visitorPath + "?before_seq=50", other.sess.Token, http.StatusNotFound},
		{"the visitor on another site's path", "/api/v1/widget/site-b/conversations/" + v.conv.ID + "/messages?before_seq=50", v.sess.Token, http.StatusUnauthorized},
		{"an agent of another site", agentPath + "?before_seq=50&site=site-b", e.agentB, http.StatusNotFound},
		{"not a number", agentPath + "?before_seq=ten", e.agentA, http.StatusBadRequest},
		{"negative", visitorPath + "?before_seq=-1", v.sess.Token, http.StatusBadRequest},
		{"both directions", agentPath + "?before_seq=50&after_seq=10", e.agentA, http.StatusBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p page
			err := e.client().Do(ctx, http.MethodGet, tt.path, tt.token, nil, &p)
			wantStatus(t, err, tt.status)
			if len(p.Messages) != 0 {
				t.Fatalf("%d messages leaked", len(p.Messages))
			}
		})
	}
}
