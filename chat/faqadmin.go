package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"
)

// FAQAdmin holds the use cases of a site's FAQ: every agent of the site
// reads it; admins and owners change, import and export it. Each change is
// announced on the bus, so that every node's search index follows it.
type FAQAdmin struct {
	store FAQStore
	bus   Bus
	now   func() time.Time
	log   *slog.Logger
}

// NewFAQAdmin returns a FAQAdmin. now may be nil for time.Now.
func NewFAQAdmin(store FAQStore, bus Bus, now func() time.Time, log *slog.Logger) *FAQAdmin {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &FAQAdmin{store: store, bus: bus, now: now, log: log}
}

// QuestionKey is what makes two entries the same question: their language
// and their question, with case and spacing ignored. An import matches an
// entry without an id to the stored entry with the same key.
func QuestionKey(lang, question string) string {
	return lang + "\x00" + strings.ToLower(strings.Join(strings.Fields(question), " "))
}

// List returns up to limit of the site's entries in language lang ("":
// every language) after after (nil: from the first), in ListFAQ's order.
// A lang that is not one of Languages is invalid.
func (s *FAQAdmin) List(ctx context.Context, a Actor, lang string, after *FAQ, limit int) ([]FAQ, error) {
	if err := a.Require(RoleAgent); err != nil {
		return nil, err
	}
	if lang != "" {
		var err error
		if lang, err = faqLang(lang); err != nil {
			return nil, err
		}
	}
	return s.store.ListFAQ(ctx, a.Site, lang, after, limit)
}

// Get returns entry id of the actor's site.
func (s *FAQAdmin) Get(ctx context.Context, a Actor, id string) (*FAQ, error) {
	if err := a.Require(RoleAgent); err != nil {
		return nil, err
	}
	if !ValidKey(id) {
		return nil, NotFound("FAQ entry")
	}
	return s.store.FAQ(ctx, a.Site, id)
}

// Create adds f to the actor's site with a new id.
func (s *FAQAdmin) Create(ctx context.Context, a Actor, f *FAQ) error {
	f.ID = NewID()
	return s.save(ctx, a, f)
}

// Update replaces entry f.ID, which must exist; its counts are kept. An
// entry of another site is not found, whatever the actor's role.
func (s *FAQAdmin) Update(ctx context.Context, a Actor, f *FAQ) error {
	if _, err := s.Get(ctx, a, f.ID); err != nil {
		return err
	}
	return s.save(ctx, a, f)
}

func (s *FAQAdmin) save(ctx context.Context, a Actor, f *FAQ) error {
	if err := a.Require(RoleAdmin); err != nil {
		return err
	}
	if err := ValidateFAQ(f); err != nil {
		return err
	}
	f.Site, f.UpdatedAt = a.Site, s.now().UTC()
	if err := s.store.SaveFAQ(ctx, f); err != nil {
		return err
	}
	if stored, err := s.store.FAQ(ctx, a.Site, f.ID); err == nil {
		f.Views, f.Solved = stored.Views, stored.Solved
	}
	s.announce(ctx, Event{Type: EventFAQ, Site: a.Site, FAQ: f})
	return nil
}

// Delete removes entry id of the actor's site. An entry of another site
// is not found, whatever the actor's role.
func (s *FAQAdmin) Delete(ctx context.Context, a Actor, id string) error {
	f, err := s.Get(ctx, a, id)
	if err != nil {
		return err
	}
	if err := a.Require(RoleAdmin); err != nil {
		return err
	}
	if err := s.store.DeleteFAQ(ctx, a.Site, f.ID); err != nil {
		return err
	}
	s.announce(ctx, Event{Type: EventFAQ, Site: a.Site, FAQ: f, Deleted: true})
	return nil
}

// OrderStep is the gap between the orders that the FAQ editor gives: a
// language's first entry has order 10, the next 20, and so on, as in the
// demo FAQ. The gap leaves room for entries ordered by hand in a file.
const OrderStep = 10

// NextOrder returns the order that puts a new entry of language lang after
// every entry of that language: OrderStep past the last one's. It reads
// the language's entries. An unknown language gives OrderStep, and saving
// the entry then refuses the language.
func (s *FAQAdmin) NextOrder(ctx context.Context, a Actor, lang string) (int, error) {
	if err := a.Require(RoleAgent); err != nil {
		return 0, err
	}
	next := OrderStep
	lang, err := faqLang(lang)
	if err != nil {
		return next, nil
	}
	err = eachFAQPageIn(ctx, s.store, a.Site, lang, func(page []FAQ) error {
		next = page[len(page)-1].Order + OrderStep // pages come in order
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("next FAQ order: %w", err)
	}
	return next, nil
}

// Move moves entry id one place up (by -1) or down (by 1) among the
// entries of its language, in ListFAQ's order, which is the order the
// widget lists them in within a category. It then numbers that language's
// entries OrderStep apart, so that entries that shared an order are told
// apart from then on, and saves, in one write, the entries whose order
// changed; their other fields and counts stay. Moving the first entry up
// or the last one down changes nothing. It returns the entry with its new
// order.
func (s *FAQAdmin) Move(ctx context.Context, a Actor, id string, by int) (*FAQ, error) {
	f, err := s.Get(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	if by != -1 && by != 1 {
		return nil, Invalid("by must be -1 (up) or 1 (down)")
	}
	var list []FAQ
	err = eachFAQPageIn(ctx, s.store, a.Site, f.Lang, func(page []FAQ) error {
		list = append(list, page...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("move FAQ entry: %w", err)
	}
	i := slices.IndexFunc(list, func(e FAQ) bool { return e.ID == f.ID })
	j := i + by
	if i < 0 || j < 0 || j >= len(list) {
		return f, nil
	}
	list[i], list[j] = list[j], list[i]
	// Only the order is written: an edit or a delete made since the list
	// was read stays as it is.
	changed := map[string]int{}
	for k := range list {
		if want := (k + 1) * OrderStep; list[k].Order != want {
			list[k].Order = want
			changed[list[k].ID] = want
		}
	}
	if err := s.store.SetFAQOrder(ctx, a.Site, changed); err != nil {
		return nil, fmt.Errorf("move FAQ entry: %w", err)
	}
	moved := list[j]
	// Order is not in the search index; the event renews every node's
	// list of top entries, which is by order.
	s.announce(ctx, Event{Type: EventFAQ, Site: a.Site, FAQ: &moved})
	return &moved, nil
}

// Import stores entries, already checked row by row, in the actor's site,
// all of them or none. An entry without an id takes the id of the stored
// entry with the same question in the same language, so that importing a
// file twice adds nothing; the store keeps the counts of entries that exist.
func (s *FAQAdmin) Import(ctx context.Context, a Actor, entries []FAQ) error {
	if err := a.Require(RoleAdmin); err != nil {
		return err
	}
	known := map[string]string{}
	err := EachFAQPage(ctx, s.store, a.Site, func(page []FAQ) error {
		for _, f := range page {
			known[QuestionKey(f.Lang, f.Question)] = f.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := s.now().UTC()
	for i := range entries {
		f := &entries[i]
		f.Site, f.UpdatedAt = a.Site, now
		if f.ID == "" {
			f.ID = known[QuestionKey(f.Lang, f.Question)]
		}
		if f.ID == "" {
			f.ID = NewID()
		}
	}
	if err := s.store.SaveFAQs(ctx, a.Site, entries); err != nil {
		return err
	}
	s.announce(ctx, Event{Type: EventFAQ, Site: a.Site}) // a whole site: rebuild
	return nil
}

// Export returns every entry of the actor's site, for a file that Import
// reads back.
func (s *FAQAdmin) Export(ctx context.Context, a Actor) ([]FAQ, error) {
	if err := a.Require(RoleAdmin); err != nil {
		return nil, err
	}
	var all []FAQ
	err := EachFAQPage(ctx, s.store, a.Site, func(page []FAQ) error {
		all = append(all, page...)
		return nil
	})
	return all, err
}

// announce tells every node, this one included, to update its index. A
// failure only delays that to the next start, so it is logged.
func (s *FAQAdmin) announce(ctx context.Context, e Event) {
	data, err := json.Marshal(e)
	if err == nil {
		err = s.bus.Publish(ctx, FAQSubject, data)
	}
	if err != nil {
		s.log.Warn("announce FAQ change; the index catches up at the next start", "site", e.Site, "err", err)
	}
}
