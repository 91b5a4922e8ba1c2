package chat

import (
	"context"
	"encoding/json"
	"log/slog"
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

// List returns up to limit of the site's entries after after (nil: from
// the first), in ListFAQ's order.
func (s *FAQAdmin) List(ctx context.Context, a Actor, after *FAQ, limit int) ([]FAQ, error) {
	if err := a.Require(RoleAgent); err != nil {
		return nil, err
	}
	return s.store.ListFAQ(ctx, a.Site, after, limit)
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
