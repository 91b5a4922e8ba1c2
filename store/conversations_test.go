package store

import (
	"context"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func mustCreateConversation(t *testing.T, s *Store, site, visitor string) *chat.Conversation {
	t.Helper()
	c := &chat.Conversation{Site: site, VisitorID: visitor, Topic: "billing", Lang: "zh", CreatedAt: now(), UpdatedAt: now()}
	must(t, s.CreateConversation(context.Background(), c))
	return c
}

func TestConversations(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	if c.ID == "" || c.Status != chat.StatusOpen || c.Kind != chat.KindChat {
		t.Fatalf("CreateConversation defaults: %+v", c)
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.VisitorID != "v1" || got.Topic != "billing" || got.Status != chat.StatusOpen || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("Conversation = %+v", got)
	}
	active, err := s.ActiveConversation(ctx, "acme", "v1")
	must(t, err)
	if active.ID != c.ID {
		t.Errorf("ActiveConversation = %q, want %q", active.ID, c.ID)
	}

	// One unresolved conversation per visitor; the same visitor id on
	// another site is someone else.
	wantCode(t, s.CreateConversation(ctx, &chat.Conversation{Site: "acme", VisitorID: "v1"}), chat.CodeConflict)
	mustCreateConversation(t, s, "beta", "v1")

	at := now().Add(time.Minute)
	must(t, s.SetAssignee(ctx, "acme", c.ID, "agent1", at))
	must(t, s.SetReadSeq(ctx, "acme", c.ID, chat.AuthorVisitor, 3))
	must(t, s.SetReadSeq(ctx, "acme", c.ID, chat.AuthorVisitor, 2)) // never backwards
	must(t, s.SetReadSeq(ctx, "acme", c.ID, chat.AuthorAgent, 5))
	must(t, s.SetRating(ctx, "acme", c.ID, 5, "很好"))
	got, err = s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.AssigneeID != "agent1" || !got.UpdatedAt.Equal(at) || got.VisitorReadSeq != 3 ||
		got.AgentReadSeq != 5 || got.Rating != 5 || got.RatingComment != "很好" {
		t.Errorf("after setters: %+v", got)
	}

	// Resolving frees the visitor; reopening the old one then conflicts.
	must(t, s.SetStatus(ctx, "acme", c.ID, chat.StatusResolved, now()))
	_, err = s.ActiveConversation(ctx, "acme", "v1")
	wantCode(t, err, chat.CodeNotFound)
	c2 := mustCreateConversation(t, s, "acme", "v1")
	wantCode(t, s.SetStatus(ctx, "acme", c.ID, chat.StatusOpen, now()), chat.CodeConflict)
	must(t, s.SetStatus(ctx, "acme", c2.ID, chat.StatusPending, now()))
	active, err = s.ActiveConversation(ctx, "acme", "v1")
	must(t, err)
	if active.ID != c2.ID || active.Status != chat.StatusPending {
		t.Errorf("ActiveConversation = %+v, want %q pending", active, c2.ID)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"bad status", s.SetStatus(ctx, "acme", c.ID, "closed", now()), chat.CodeInvalid},
		{"bad reader", s.SetReadSeq(ctx, "acme", c.ID, chat.AuthorSystem, 1), chat.CodeInvalid},
		{"no visitor", s.CreateConversation(ctx, &chat.Conversation{Site: "acme"}), chat.CodeInvalid},
		{"missing", func() error { _, err := s.Conversation(ctx, "acme", "nope"); return err }(), chat.CodeNotFound},
		{"set status missing", s.SetStatus(ctx, "acme", "nope", chat.StatusOpen, now()), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
}

func TestListConversations(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	base := now()
	var ids []string // newest first
	for i := range 5 {
		c := &chat.Conversation{Site: "acme", VisitorID: "v" + string(rune('a'+i)), CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Second)}
		must(t, s.CreateConversation(ctx, c))
		ids = append([]string{c.ID}, ids...)
	}
	mustCreateConversation(t, s, "beta", "va")
	must(t, s.SetStatus(ctx, "acme", ids[1], chat.StatusResolved, base.Add(3*time.Second))) // keeps its rank
	appendN(t, s, "acme", ids[0], 1, 3)

	tests := []struct {
		name string
		f    chat.ConversationFilter
		want []string
	}{
		{"all", chat.ConversationFilter{Site: "acme"}, ids},
		{"limit", chat.ConversationFilter{Site: "acme", Limit: 2}, ids[:2]},
		{"status", chat.ConversationFilter{Site: "acme", Status: chat.StatusResolved}, ids[1:2]},
		{"visitor", chat.ConversationFilter{Site: "acme", VisitorID: "vc"}, ids[2:3]},
		{"before time", chat.ConversationFilter{Site: "acme", Before: base.Add(2 * time.Second)}, ids[3:]},
		{"before time and id", chat.ConversationFilter{Site: "acme", Before: base.Add(2 * time.Second), BeforeID: ids[2] + "~"}, ids[2:]},
		{"other site", chat.ConversationFilter{Site: "gamma"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListConversations(ctx, tt.f)
			must(t, err)
			var gotIDs []string
			for _, c := range got {
				gotIDs = append(gotIDs, c.ID)
			}
			if len(gotIDs) != len(tt.want) {
				t.Fatalf("got %v, want %v", gotIDs, tt.want)
			}
			for i := range gotIDs {
				if gotIDs[i] != tt.want[i] {
					t.Fatalf("got %v, want %v", gotIDs, tt.want)
				}
			}
		})
	}

	// A listing carries each conversation's newest message only.
	got, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", Limit: 1})
	must(t, err)
	if last := got[0].LastMessage(); len(got[0].Tail) != 1 || last == nil || last.Seq != 3 {
		t.Errorf("listed tail = %+v, want only seq 3", got[0].Tail)
	}
}

func TestVisitorHistoryIsListedNewestFirst(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	base := time.Now().UTC().Truncate(time.Millisecond)
	var ids []string
	for i := 0; i < 3; i++ {
		c := &chat.Conversation{Site: "acme", VisitorID: "hist", CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Second)}
		if err := s.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
		if i < 2 {
			if err := s.SetStatus(ctx, "acme", c.ID, chat.StatusResolved, base.Add(time.Duration(i)*time.Second)); err != nil {
				t.Fatal(err)
			}
		}
	}
	other := &chat.Conversation{Site: "acme", VisitorID: "someone-else", CreatedAt: base, UpdatedAt: base}
	if err := s.CreateConversation(ctx, other); err != nil {
		t.Fatal(err)
	}
	got, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", VisitorID: "hist"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].ID != ids[2] || got[2].ID != ids[0] {
		t.Fatalf("history = %v, want %v newest first", got, ids)
	}
	open, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", VisitorID: "hist", Status: chat.StatusResolved})
	if err != nil || len(open) != 2 {
		t.Fatalf("resolved history: %d, %v", len(open), err)
	}
	if none, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "other-site", VisitorID: "hist"}); err != nil || len(none) != 0 {
		t.Fatalf("another site's listing: %v %v", none, err)
	}
}
