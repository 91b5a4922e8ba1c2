package chat

import (
	"context"
	"fmt"
)

// FAQEvent is what a visitor did with an FAQ suggestion.
type FAQEvent string

// The FAQ events the widget reports.
const (
	FAQOpened FAQEvent = "open"
	FAQSolved FAQEvent = "solved"
)

// CountFAQEvent adds one to the views or the solved count of FAQ entry id
// of the visitor's site. Each visitor counts once per entry and event: a
// repeat is not an error, and counts nothing. The node remembers what it
// counted in bounded memory, so this is a bound on inflation, not a
// ledger.
func (s *Visitors) CountFAQEvent(ctx context.Context, a Actor, id string, ev FAQEvent) error {
	if ev != FAQOpened && ev != FAQSolved {
		return Invalid("type must be open or solved")
	}
	if !ValidKey(id) {
		return NotFound("faq entry")
	}
	key := a.Site + "/" + id + "/" + a.VisitorID + "/" + string(ev)
	if !s.counted.first(key) {
		return nil
	}
	if err := s.store.CountFAQEvent(ctx, a.Site, id, ev == FAQSolved, s.now()); err != nil {
		s.counted.forget(key) // not counted: a retry may count
		return fmt.Errorf("visitors: count faq event: %w", err)
	}
	return nil
}
