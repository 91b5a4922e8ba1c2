package chat

import (
	"context"

	"github.com/kefu/kefu/terms"
)

// maxQueryLen bounds what a search box sends, in bytes.
const maxQueryLen = 200

// Search returns a page of the actor's site's conversations whose
// messages (internal notes included), or whose visitor's name, email or
// user id, hold every word of q, newest match first, and where the next
// page starts (0: none). f's status, visitor and assignee narrow the
// page, whose size is f.Limit before they do. Agents only.
func (s *Service) Search(ctx context.Context, a Actor, q string, f ConversationFilter, before int64) ([]Conversation, int64, error) {
	if a.Agent == nil || !a.Agent.CanAccess(a.Site) {
		return nil, 0, NotFound("site")
	}
	if len(q) > maxQueryLen {
		return nil, 0, Invalid("the search is longer than %d bytes", maxQueryLen)
	}
	ts := terms.Query(q)
	if len(ts) == 0 {
		return nil, 0, Invalid("type a word to search for")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, 0, Invalid("status must be open, pending or resolved")
	}
	page, err := s.store.SearchConversations(ctx, SearchFilter{Site: a.Site, Terms: ts, Before: before, Limit: f.Limit})
	if err != nil {
		return nil, 0, err
	}
	out := make([]Conversation, 0, len(page.IDs))
	for _, id := range page.IDs {
		c, err := s.store.Conversation(ctx, a.Site, id)
		if IsCode(err, CodeNotFound) {
			continue // deleted since it was indexed
		}
		if err != nil {
			return nil, 0, err
		}
		if f.keeps(c) {
			out = append(out, *c)
		}
	}
	return out, page.Next, nil
}

// keeps tells whether c passes f's status, visitor and assignee filters.
func (f ConversationFilter) keeps(c *Conversation) bool {
	switch {
	case f.Status != "" && c.Status != f.Status:
		return false
	case f.VisitorID != "" && c.VisitorID != f.VisitorID:
		return false
	case f.AssigneeID == Unassigned:
		return c.AssigneeID == ""
	case f.AssigneeID != "":
		return c.AssigneeID == f.AssigneeID
	}
	return true
}
