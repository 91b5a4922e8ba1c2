package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

// testPagingHasNoCap walks more FAQ entries, agents and sites than any
// old cap allowed (5,000 FAQ entries) through pages, and finds each one
// exactly once in order, including entries that share an order or a name.
func testPagingHasNoCap(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	const nFAQ = 5_203
	fs := make([]chat.FAQ, nFAQ)
	for i := range fs {
		// Orders repeat and go below zero, so the cursor must use the id.
		fs[i] = chat.FAQ{ID: fmt.Sprintf("e%05d", (i*7919)%nFAQ), Lang: "en", Question: "q", Order: i%13 - 3, UpdatedAt: now()}
	}
	must(t, s.SaveFAQs(ctx, "acme", fs))
	must(t, s.SaveFAQ(ctx, &chat.FAQ{ID: "other", Site: "beta", Question: "beta's", UpdatedAt: now()}))

	var got []chat.FAQ
	must(t, chat.EachFAQPage(ctx, s, "acme", func(page []chat.FAQ) error {
		got = append(got, page...)
		return nil
	}))
	if len(got) != nFAQ {
		t.Fatalf("EachFAQPage gave %d entries, want %d", len(got), nFAQ)
	}
	sorted := slices.IsSortedFunc(got, func(a, b chat.FAQ) int {
		if a.Order != b.Order {
			return a.Order - b.Order
		}
		return strings.Compare(a.ID, b.ID)
	})
	seen := map[string]bool{}
	for _, f := range got {
		if seen[f.ID] || f.Site != "acme" {
			t.Fatalf("entry %s/%s given twice or from another site", f.Site, f.ID)
		}
		seen[f.ID] = true
	}
	if !sorted {
		t.Error("EachFAQPage is not in (order, id) order")
	}

	// Small pages through the store itself give the same sequence.
	var small []string
	var after *chat.FAQ
	for {
		page, err := s.ListFAQ(ctx, "acme", after, 997)
		must(t, err)
		for _, f := range page {
			small = append(small, f.ID)
		}
		if len(page) < 997 {
			break
		}
		after = &page[len(page)-1]
	}
	if len(small) != nFAQ || small[0] != got[0].ID || small[nFAQ-1] != got[nFAQ-1].ID {
		t.Errorf("pages of 997 gave %d entries", len(small))
	}

	// Agents that share a name are told apart by id.
	const nAgents = chat.PageSize + 3
	for i := range nAgents {
		must(t, s.CreateAgent(ctx, &chat.Agent{
			Email: fmt.Sprintf("a%d@example.com", i), Name: fmt.Sprintf("Agent %d", i%4),
			Role: chat.RoleAgent, Sites: []string{"acme"}, CreatedAt: now(),
		}))
	}
	agents := map[string]bool{}
	must(t, chat.EachAgent(ctx, s, "acme", func(a *chat.Agent) error {
		if agents[a.ID] {
			t.Errorf("agent %s given twice", a.ID)
		}
		agents[a.ID] = true
		return nil
	}))
	if len(agents) != nAgents {
		t.Errorf("EachAgent gave %d agents, want %d", len(agents), nAgents)
	}

	const nSites = chat.PageSize + 2 // and beta, which SaveFAQ made no site of
	for i := range nSites {
		must(t, s.CreateSite(ctx, &chat.Site{Key: fmt.Sprintf("s%04d", i), Name: "s"}))
	}
	var keys []string
	must(t, chat.EachSiteKey(ctx, s, func(k string) error { keys = append(keys, k); return nil }))
	if len(keys) != nSites || !slices.IsSorted(keys) {
		t.Errorf("EachSiteKey gave %d keys (sorted: %v), want %d", len(keys), slices.IsSorted(keys), nSites)
	}
}
