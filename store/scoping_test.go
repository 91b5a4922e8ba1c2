package store

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// TestOtherSitesAreNotFound checks that every call that names a site
// answers "not found" for a thing of another site, exactly as for a
// missing one, and changes nothing.
func TestOtherSitesAreNotFound(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	v := &chat.Visitor{Site: "acme"}
	must(t, s.CreateVisitor(ctx, v))
	c := mustCreateConversation(t, s, "acme", v.ID)
	appendN(t, s, "acme", c.ID, 1, 2)
	f := &chat.FAQ{Site: "acme", Question: "q"}
	must(t, s.SaveFAQ(ctx, f))

	const other = "beta"
	tests := []struct {
		name string
		call func() error
	}{
		{"Visitor", func() error { _, err := s.Visitor(ctx, other, v.ID); return err }},
		{"UpdateVisitor", func() error { return s.UpdateVisitor(ctx, &chat.Visitor{ID: v.ID, Site: other}) }},
		{"Conversation", func() error { _, err := s.Conversation(ctx, other, c.ID); return err }},
		{"ActiveConversation", func() error { _, err := s.ActiveConversation(ctx, other, v.ID); return err }},
		{"SetStatus", func() error { return s.SetStatus(ctx, other, c.ID, chat.StatusResolved, now()) }},
		{"SetAssignee", func() error { return s.SetAssignee(ctx, other, c.ID, "x", now()) }},
		{"SetReadSeq", func() error { return s.SetReadSeq(ctx, other, c.ID, chat.AuthorAgent, 2) }},
		{"SetRating", func() error { return s.SetRating(ctx, other, c.ID, 1, "") }},
		{"AppendMessage", func() error { return s.AppendMessage(ctx, newMessage(other, c.ID, 3)) }},
		{"MessageByClientID", func() error { _, err := s.MessageByClientID(ctx, other, c.ID, "c1"); return err }},
		{"Messages", func() error { _, err := s.Messages(ctx, other, c.ID, 0, 10); return err }},
		{"RepairConversation", func() error { _, err := s.RepairConversation(ctx, other, c.ID); return err }},
		{"FAQ", func() error { _, err := s.FAQ(ctx, other, f.ID); return err }},
		{"DeleteFAQ", func() error { return s.DeleteFAQ(ctx, other, f.ID) }},
		{"CountFAQEvent", func() error { return s.CountFAQEvent(ctx, other, f.ID, true) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), chat.CodeNotFound) })
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.Status != chat.StatusOpen || got.AssigneeID != "" || got.AgentReadSeq != 0 || got.Rating != 0 || got.LastSeq != 2 {
		t.Errorf("conversation changed by another site: %+v", got)
	}
	gotFAQ, err := s.FAQ(ctx, "acme", f.ID)
	must(t, err)
	if gotFAQ.Solved != 0 {
		t.Errorf("FAQ counted by another site: %+v", gotFAQ)
	}
	list, err := s.ListConversations(ctx, chat.ConversationFilter{Site: other})
	must(t, err)
	if len(list) != 0 {
		t.Errorf("ListConversations(%s) = %d conversations, want none", other, len(list))
	}
}

// FerretDB rewrites whole documents without atomicity; the store's locks
// must keep concurrent updates of one document from losing each other.
func TestConcurrentUpdatesAreNotLost(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	f := &chat.FAQ{Site: "acme", Question: "q"}
	must(t, s.SaveFAQ(ctx, f))

	const n = 40
	var wg sync.WaitGroup
	wg.Go(func() { // appends, serialized as callers do
		for seq := int64(1); seq <= n; seq++ {
			if err := s.AppendMessage(ctx, newMessage("acme", c.ID, seq)); err != nil {
				t.Error(err)
			}
		}
	})
	for i := range n {
		wg.Go(func() {
			if err := s.SetReadSeq(ctx, "acme", c.ID, chat.AuthorAgent, int64(i+1)); err != nil {
				t.Error(err)
			}
			if err := s.SetAssignee(ctx, "acme", c.ID, "a", now().Add(-time.Hour)); err != nil {
				t.Error(err)
			}
			if err := s.CountFAQEvent(ctx, "acme", f.ID, i%2 == 0); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != n || len(got.Tail) != n || got.AgentReadSeq != n || got.AssigneeID != "a" {
		t.Errorf("last_seq %d, tail %d, agent_read_seq %d, assignee %q; want %d, %d, %d, a",
			got.LastSeq, len(got.Tail), got.AgentReadSeq, got.AssigneeID, n, n, n)
	}
	gotFAQ, err := s.FAQ(ctx, "acme", f.ID)
	must(t, err)
	if gotFAQ.Views+gotFAQ.Solved != n {
		t.Errorf("views+solved = %d, want %d", gotFAQ.Views+gotFAQ.Solved, n)
	}
}
