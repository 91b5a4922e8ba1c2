package chat

import "context"

// SearchFilter asks for a page of a site's conversations whose messages,
// or whose visitor's name, email or user id, hold every term (made by
// package terms), newest match first.
type SearchFilter struct {
	Site  string
	Terms []string
	Limit int
	// Before pages on: only matches older than this position (the Next of
	// the page before). 0 starts at the newest.
	Before int64
}

// SearchPage is a page of search results: conversation ids, each the
// first time it matches in this order (a conversation shown on an earlier
// page is not shown again), and where the next page starts; Next is 0
// when there is none.
type SearchPage struct {
	IDs  []string
	Next int64
}

// SearchStore finds conversations by their words. The index is kept by
// the store as it stores messages, conversations and visitors, so that
// every node that shares the store finds the same.
type SearchStore interface {
	SearchConversations(ctx context.Context, f SearchFilter) (SearchPage, error)
}

// SearchHit is one document that matches a search: its position in the
// index (higher is newer) and its conversation.
type SearchHit struct {
	Pos            int64
	ConversationID string
}

// How many matches a store reads at a time for a page, and at most per
// page: a page of rare matches among many ends early, with a Next to go
// on from.
const (
	searchWindow = 400
	searchBudget = 4000
)

// PageMatches makes a page of f's results out of a store's matches.
// window returns up to n matches older than before (0: the newest), newest
// first; shownBefore tells whether a conversation has a match at or after
// f.Before, which put it on an earlier page.
func PageMatches(f SearchFilter, window func(before int64, n int) ([]SearchHit, error), shownBefore func(conversationID string) (bool, error)) (SearchPage, error) {
	limit := min(max(f.Limit, 1), 100)
	var page SearchPage
	seen := map[string]bool{}
	before := f.Before
	for read := 0; read < searchBudget; {
		hits, err := window(before, searchWindow)
		if err != nil {
			return SearchPage{}, err
		}
		for _, h := range hits {
			read++
			before = h.Pos
			if seen[h.ConversationID] {
				continue
			}
			seen[h.ConversationID] = true
			if f.Before > 0 {
				shown, err := shownBefore(h.ConversationID)
				if err != nil {
					return SearchPage{}, err
				}
				if shown {
					continue
				}
			}
			page.IDs = append(page.IDs, h.ConversationID)
			if len(page.IDs) == limit {
				page.Next = h.Pos
				return page, nil
			}
		}
		if len(hits) < searchWindow {
			return page, nil
		}
	}
	page.Next = before
	return page, nil
}
