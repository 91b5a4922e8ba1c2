package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func testConversations(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	if c.ID == "" || c.Status != chat.StatusOpen || c.Kind != chat.KindChat {
		t.Fatalf("CreateConversation defaults: %+v", c)
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if d := diff(got, c); d != "" {
		t.Errorf("Conversation (-want +got):\n%s", d)
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
	// Once the newer one is resolved too, the old one can be reopened.
	must(t, s.SetStatus(ctx, "acme", c2.ID, chat.StatusResolved, now()))
	must(t, s.SetStatus(ctx, "acme", c.ID, chat.StatusOpen, now()))
	active, err = s.ActiveConversation(ctx, "acme", "v1")
	must(t, err)
	if active.ID != c.ID {
		t.Errorf("after reopening: active %q, want %q", active.ID, c.ID)
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

func ids(cs []chat.Conversation) []string {
	out := []string{}
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func testListConversations(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now().Add(-time.Hour)
	var all []string // newest first
	for i := range 5 {
		c := &chat.Conversation{Site: "acme", VisitorID: fmt.Sprintf("v%c", 'a'+i), CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Second)}
		must(t, s.CreateConversation(ctx, c))
		all = append([]string{c.ID}, all...)
	}
	mustCreateConversation(t, s, "beta", "va")
	must(t, s.SetStatus(ctx, "acme", all[1], chat.StatusResolved, base.Add(3*time.Second))) // keeps its rank
	must(t, s.SetAssignee(ctx, "acme", all[2], "ann", base.Add(2*time.Second)))
	must(t, s.SetAssignee(ctx, "acme", all[3], "bob", base.Add(1*time.Second)))
	appendN(t, s, "acme", all[0], 3) // activity now: still the newest

	tests := []struct {
		name string
		f    chat.ConversationFilter
		want []string
	}{
		{"all", chat.ConversationFilter{Site: "acme"}, all},
		{"limit", chat.ConversationFilter{Site: "acme", Limit: 2}, all[:2]},
		{"status", chat.ConversationFilter{Site: "acme", Status: chat.StatusResolved}, all[1:2]},
		{"open", chat.ConversationFilter{Site: "acme", Status: chat.StatusOpen}, []string{all[0], all[2], all[3], all[4]}},
		{"visitor", chat.ConversationFilter{Site: "acme", VisitorID: "vc"}, all[2:3]},
		{"assignee", chat.ConversationFilter{Site: "acme", AssigneeID: "ann"}, all[2:3]},
		{"unassigned", chat.ConversationFilter{Site: "acme", AssigneeID: chat.Unassigned}, []string{all[0], all[1], all[4]}},
		{"open and unassigned", chat.ConversationFilter{Site: "acme", Status: chat.StatusOpen, AssigneeID: chat.Unassigned}, []string{all[0], all[4]}},
		{"before time", chat.ConversationFilter{Site: "acme", Before: base.Add(2 * time.Second)}, all[3:]},
		{"before time and id", chat.ConversationFilter{Site: "acme", Before: base.Add(2 * time.Second), BeforeID: all[2] + "~"}, all[2:]},
		{"other site", chat.ConversationFilter{Site: "gamma"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListConversations(ctx, tt.f)
			must(t, err)
			if d := diff(ids(got), tt.want); d != "" {
				t.Errorf("ids (-want +got):\n%s", d)
			}
		})
	}

	// Pages chained by the cursor of the last item cover everything once.
	var paged []string
	f := chat.ConversationFilter{Site: "acme", Limit: 2}
	for range 10 {
		page, err := s.ListConversations(ctx, f)
		must(t, err)
		if len(page) == 0 {
			break
		}
		paged = append(paged, ids(page)...)
		last := page[len(page)-1]
		f.Before, f.BeforeID = last.UpdatedAt, last.ID
	}
	if d := diff(paged, all); d != "" {
		t.Errorf("paged ids (-want +got):\n%s", d)
	}

	// A listing carries each conversation's newest message.
	got, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", Limit: 1})
	must(t, err)
	if got[0].Last == nil || got[0].Last.Seq != 3 || got[0].LastSeq != 3 {
		t.Errorf("listed conversation: last %+v, last_seq %d; want seq 3", got[0].Last, got[0].LastSeq)
	}
}

func testVisitorHistory(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now()
	var want []string
	for i := range 3 {
		c := &chat.Conversation{Site: "acme", VisitorID: "hist", CreatedAt: base, UpdatedAt: base.Add(time.Duration(i) * time.Second)}
		must(t, s.CreateConversation(ctx, c))
		want = append([]string{c.ID}, want...)
		if i < 2 {
			must(t, s.SetStatus(ctx, "acme", c.ID, chat.StatusResolved, base.Add(time.Duration(i)*time.Second)))
		}
	}
	mustCreateConversation(t, s, "acme", "someone-else")
	got, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", VisitorID: "hist"})
	must(t, err)
	if d := diff(ids(got), want); d != "" {
		t.Fatalf("history (-want +got):\n%s", d)
	}
	resolved, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", VisitorID: "hist", Status: chat.StatusResolved})
	must(t, err)
	if len(resolved) != 2 {
		t.Fatalf("resolved history: %v", ids(resolved))
	}
	none, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "other-site", VisitorID: "hist"})
	must(t, err)
	if len(none) != 0 {
		t.Fatalf("another site's listing: %v", ids(none))
	}
}

// Many tabs of one visitor start a chat at once: exactly one conversation
// results.
func testOneActiveConversation(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	const n = 20
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			errs[i] = s.CreateConversation(ctx, &chat.Conversation{Site: "acme", VisitorID: "tabs", CreatedAt: now(), UpdatedAt: now()})
		})
	}
	wg.Wait()
	created := 0
	for _, err := range errs {
		switch {
		case err == nil:
			created++
		case !chat.IsCode(err, chat.CodeConflict):
			t.Errorf("CreateConversation: %v", err)
		}
	}
	if created != 1 {
		t.Fatalf("%d conversations created, want 1", created)
	}
	list, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", VisitorID: "tabs"})
	must(t, err)
	if len(list) != 1 {
		t.Fatalf("visitor has %d conversations, want 1", len(list))
	}
}

// Resolving, reopening and pending many conversations in parallel must
// finish: an earlier store could deadlock here when two of its lock
// stripes collided.
func testStatusChangesNeverHang(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	const n, workers = 120, 8
	convs := make([]*chat.Conversation, n)
	for i := range convs {
		convs[i] = mustCreateConversation(t, s, "acme", fmt.Sprintf("visitor-%d", i))
	}
	work := make(chan int)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for i := range work {
				if err := cycleStatus(ctx, s, convs[i]); err != nil {
					t.Errorf("conversation %d: %v", i, err)
				}
			}
		})
	}
	for i := range convs {
		select {
		case work <- i:
		case <-ctx.Done():
		}
	}
	close(work)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		t.Fatal("status changes did not finish within 90 s: a store call hangs")
	}
	if ctx.Err() != nil {
		t.Fatal("status changes did not finish within a minute")
	}
	for _, c := range convs {
		got, err := s.Conversation(ctx, "acme", c.ID)
		must(t, err)
		if got.Status != chat.StatusPending {
			t.Fatalf("conversation %s is %s, want pending", c.ID, got.Status)
		}
	}
}

// cycleStatus walks one conversation through every status change: resolve,
// reopen, resolve, start another, fail to reopen, resolve that one, reopen
// as pending.
func cycleStatus(ctx context.Context, s chat.Store, c *chat.Conversation) error {
	steps := []chat.Status{chat.StatusResolved, chat.StatusOpen, chat.StatusPending, chat.StatusResolved}
	for _, st := range steps {
		if err := s.SetStatus(ctx, c.Site, c.ID, st, now()); err != nil {
			return fmt.Errorf("set %s: %w", st, err)
		}
	}
	other := &chat.Conversation{Site: c.Site, VisitorID: c.VisitorID, CreatedAt: now(), UpdatedAt: now()}
	if err := s.CreateConversation(ctx, other); err != nil {
		return fmt.Errorf("start another: %w", err)
	}
	if err := s.SetStatus(ctx, c.Site, c.ID, chat.StatusPending, now()); !chat.IsCode(err, chat.CodeConflict) {
		return fmt.Errorf("reopen while another is active = %v, want a conflict", err)
	}
	if err := s.SetStatus(ctx, c.Site, other.ID, chat.StatusResolved, now()); err != nil {
		return fmt.Errorf("resolve the other: %w", err)
	}
	if err := s.SetStatus(ctx, c.Site, c.ID, chat.StatusPending, now()); err != nil {
		return fmt.Errorf("reopen as pending: %w", err)
	}
	return nil
}

// testOtherSitesAreNotFound checks that every call that names a site
// answers "not found" for a thing of another site, exactly as for a
// missing one, and changes nothing.
func testOtherSitesAreNotFound(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	v := &chat.Visitor{Site: "acme"}
	must(t, s.CreateVisitor(ctx, v))
	c := mustCreateConversation(t, s, "acme", v.ID)
	appendN(t, s, "acme", c.ID, 2)
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
		{"AppendMessage", func() error { _, err := s.AppendMessage(ctx, newMessage(other, c.ID, "x1")); return err }},
		{"MessageByClientID", func() error { _, err := s.MessageByClientID(ctx, other, c.ID, "c1"); return err }},
		{"Messages", func() error { _, err := s.Messages(ctx, other, c.ID, 0, 10); return err }},
		{"MessagesBefore", func() error { _, err := s.MessagesBefore(ctx, other, c.ID, 3, 10); return err }},
		{"FAQ", func() error { _, err := s.FAQ(ctx, other, f.ID); return err }},
		{"DeleteFAQ", func() error { return s.DeleteFAQ(ctx, other, f.ID) }},
		{"CountFAQEvent", func() error { return s.CountFAQEvent(ctx, other, f.ID, true, time.Now()) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.call(), chat.CodeNotFound) })
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.Status != chat.StatusOpen || got.AssigneeID != "" || got.AgentReadSeq != 0 || got.Rating != 0 || got.LastSeq != 2 {
		t.Errorf("conversation changed by another site: %+v", got)
	}
	msgs, err := s.Messages(ctx, "acme", c.ID, 0, 10)
	must(t, err)
	if !slices.Equal(seqs(msgs), []int64{1, 2}) {
		t.Errorf("messages after another site's append: %v", seqs(msgs))
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

// Updates of one conversation and one FAQ entry racing each other and
// appends must all take effect.
func testConcurrentUpdates(t *testing.T, b Backend) {
	needsAtomicUpdates(t, b)
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	f := &chat.FAQ{Site: "acme", Question: "q"}
	must(t, s.SaveFAQ(ctx, f))

	const n = 40
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range n {
			if _, err := s.AppendMessage(ctx, newMessage("acme", c.ID, fmt.Sprintf("c%d", i))); err != nil {
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
			if err := s.CountFAQEvent(ctx, "acme", f.ID, i%2 == 0, time.Now()); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != n || got.AgentReadSeq != n || got.AssigneeID != "a" || got.Last == nil || got.Last.Seq != n {
		t.Errorf("last_seq %d, last %+v, agent_read_seq %d, assignee %q; want %d, seq %d, %d, a",
			got.LastSeq, got.Last, got.AgentReadSeq, got.AssigneeID, n, n, n)
	}
	gotFAQ, err := s.FAQ(ctx, "acme", f.ID)
	must(t, err)
	if gotFAQ.Views+gotFAQ.Solved != n {
		t.Errorf("views+solved = %d, want %d", gotFAQ.Views+gotFAQ.Solved, n)
	}
}
