package server

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// countingFAQ counts the pages a real store is asked for.
type countingFAQ struct {
	chat.FAQStore
	pages atomic.Int64
}

func (c *countingFAQ) ListFAQ(ctx context.Context, site, lang string, after *chat.FAQ, limit int) ([]chat.FAQ, error) {
	c.pages.Add(1)
	return c.FAQStore.ListFAQ(ctx, site, lang, after, limit)
}

// The widget's list is built once for many visitors who ask at the same
// time, keeps only the categories it can show, and a change during a
// build is not lost.
func TestFAQTopsBuildOnceAndKeepLittle(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	fs := make([]chat.FAQ, 600)
	for i := range fs {
		fs[i] = chat.FAQ{ID: fmt.Sprintf("f%03d", i), Lang: "en", Category: fmt.Sprintf("c%03d", i%120), Published: true,
			Question: fmt.Sprint("q", i), Answer: "a", UpdatedAt: time.Now()}
	}
	if err := st.SaveFAQs(ctx, "acme", fs); err != nil {
		t.Fatal(err)
	}
	store := &countingFAQ{FAQStore: st}
	tops := newFAQTops(time.Now)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			out, err := tops.top(ctx, store, "acme", "en", 2)
			if err != nil || len(out) != maxTopCategories*2 {
				t.Errorf("top = %d results, %v; want %d", len(out), err, maxTopCategories*2)
			}
		})
	}
	wg.Wait()
	if n := store.pages.Load(); n != 2 { // 600 entries: a page of 500, then 100
		t.Errorf("20 visitors at once read %d pages, want 2: one build", n)
	}
	if kept := len(tops.sites["acme"].byLang["en"]); kept != maxTopCategories {
		t.Errorf("the list keeps %d categories, want the %d it can show", kept, maxTopCategories)
	}

	// A change after the list was read makes the next request read again.
	tops.forget("acme")
	if _, err := tops.top(ctx, store, "acme", "en", 2); err != nil {
		t.Fatal(err)
	}
	if n := store.pages.Load(); n != 4 {
		t.Errorf("after a change, %d pages read in all, want 4", n)
	}
}

// countingConversations counts the listings a real store is asked for.
type countingConversations struct {
	chat.ConversationStore
	lists atomic.Int64
}

func (c *countingConversations) ListConversations(ctx context.Context, f chat.ConversationFilter) ([]chat.Conversation, error) {
	c.lists.Add(1)
	return c.ConversationStore.ListConversations(ctx, f)
}

// The usual reply time, in the widget's config of every page view, is
// read from the database once for many visitors who ask at once.
func TestReplyTimesReadOnce(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	store := &countingConversations{ConversationStore: st}
	r := newReplyTimes(time.Now)
	var wg sync.WaitGroup
	for range 20 {
		wg.Go(func() {
			if _, err := r.minutes(ctx, store, "acme"); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if n := store.lists.Load(); n != 1 {
		t.Errorf("20 page views at once read the conversations %d times, want 1", n)
	}
}
