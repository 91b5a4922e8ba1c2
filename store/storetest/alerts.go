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

// testClaimUnanswered: only open conversations created within the bounds
// with no agent reply are claimed, each once; a second call finds none.
func testClaimUnanswered(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	old := now().Add(-time.Hour)
	conv := func(visitor string, at time.Time) *chat.Conversation {
		c := &chat.Conversation{Site: "acme", VisitorID: visitor, CreatedAt: at, UpdatedAt: at}
		must(t, s.CreateConversation(ctx, c))
		return c
	}
	waiting := conv("v1", old)
	answered := conv("v2", old)
	reply := newMessage("acme", answered.ID, "r1")
	reply.Author = chat.Author{Type: chat.AuthorAgent, ID: "a1", Name: "王芳"}
	_, err := s.AppendMessage(ctx, reply)
	must(t, err)
	resolved := conv("v3", old)
	must(t, s.SetStatus(ctx, "acme", resolved.ID, chat.StatusResolved, old))
	pending := conv("v4", old)
	must(t, s.SetStatus(ctx, "acme", pending.ID, chat.StatusPending, old))
	conv("v5", now())                             // too new
	stale := conv("v6", now().Add(-72*time.Hour)) // too old
	long := now().Add(-48 * time.Hour)

	got, err := s.ClaimUnanswered(ctx, long, now().Add(-30*time.Minute), now(), 10)
	must(t, err)
	if len(got) != 1 || got[0].ID != waiting.ID || got[0].Site != "acme" {
		t.Fatalf("claimed %+v, want only %s", got, waiting.ID)
	}
	again, err := s.ClaimUnanswered(ctx, long, now(), now(), 10)
	must(t, err)
	if len(again) != 1 || again[0].VisitorID != "v5" {
		t.Errorf("the second claim with a later bound: %+v, want only v5's", again)
	}
	late, err := s.ClaimUnanswered(ctx, time.Time{}, now(), now(), 10)
	must(t, err)
	if len(late) != 1 || late[0].ID != stale.ID {
		t.Errorf("a claim with no lower bound: %+v, want only v6's", late)
	}
}

// testClaimUnansweredOnce: two stores on one database claim at the same
// time, and every conversation is claimed by exactly one of them.
func testClaimUnansweredOnce(t *testing.T, b Backend) {
	needsAtomicUpdates(t, b)
	s1, s2 := b.OpenTwo(t)
	ctx := ctxT(t)
	var want []string
	for i := range 20 {
		c := &chat.Conversation{Site: "acme", VisitorID: fmt.Sprint("v", i), CreatedAt: now().Add(-time.Hour), UpdatedAt: now()}
		must(t, s1.CreateConversation(ctx, c))
		want = append(want, c.ID)
	}
	var mu sync.Mutex
	var got []string
	var wg sync.WaitGroup
	for _, s := range []chat.Store{s1, s2, s1, s2} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cs, err := s.ClaimUnanswered(context.Background(), time.Time{}, now(), now(), 100)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			for _, c := range cs {
				got = append(got, c.ID)
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("claimed %d (%v), want each of %d once", len(got), got, len(want))
	}
}
