package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

// testPagingHasNoCap walks FAQ entries, agents and sites through pages
// of several sizes, and finds each one exactly once in order, including
// entries that share an order or a name. (TestLargeFAQHasNoSilentCaps in
// app goes past the old cap of 5,000 FAQ entries through the API.)
func testPagingHasNoCap(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	const nFAQ = 1_203
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
		page, err := s.ListFAQ(ctx, "acme", "", after, 97)
		must(t, err)
		for _, f := range page {
			small = append(small, f.ID)
		}
		if len(page) < 97 {
			break
		}
		after = &page[len(page)-1]
	}
	ids := make([]string, len(got))
	for i, f := range got {
		ids[i] = f.ID
	}
	if !slices.Equal(small, ids) {
		t.Errorf("pages of 97 gave %d entries, not the sequence of pages of %d", len(small), chat.PageSize)
	}

	// Agents that share a name are told apart by id, in small pages.
	const nAgents = 11
	for i := range nAgents {
		must(t, s.CreateAgent(ctx, &chat.Agent{
			Email: fmt.Sprintf("a%d@example.com", i), Name: fmt.Sprintf("Agent %d", i%3),
			Role: chat.RoleAgent, Sites: []string{"acme"}, CreatedAt: now(),
		}))
	}
	agents := map[string]bool{}
	var afterAgent *chat.Agent
	var order []chat.Agent
	for range nAgents {
		page, err := s.ListAgents(ctx, "acme", afterAgent, 4)
		must(t, err)
		for _, a := range page {
			if agents[a.ID] {
				t.Errorf("agent %s given twice", a.ID)
			}
			agents[a.ID] = true
		}
		order = append(order, page...)
		if len(page) < 4 {
			break
		}
		afterAgent = &page[len(page)-1]
	}
	if len(agents) != nAgents {
		t.Errorf("pages of 4 agents gave %d, want %d", len(agents), nAgents)
	}
	if !slices.IsSortedFunc(order, func(a, b chat.Agent) int {
		if a.Name != b.Name {
			return strings.Compare(a.Name, b.Name)
		}
		return strings.Compare(a.ID, b.ID)
	}) {
		t.Error("agents are not in (name, id) order across pages")
	}

	const nSites = 7 // and beta, which SaveFAQ made no site of
	for i := range nSites {
		must(t, s.CreateSite(ctx, &chat.Site{Key: fmt.Sprintf("s%04d", i), Name: "s"}))
	}
	var keys []string
	for after := ""; ; {
		page, err := s.SiteKeys(ctx, after, 3)
		must(t, err)
		keys = append(keys, page...)
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1]
	}
	if len(keys) != nSites || !slices.IsSorted(keys) {
		t.Errorf("pages of 3 site keys gave %v, want %d sorted", keys, nSites)
	}
}
