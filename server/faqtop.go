package server

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
)

const (
	// maxTopPerCategory is the largest limit the widget's FAQ list takes.
	maxTopPerCategory = 20
	// maxTopCategories bounds the categories the list shows, in name order.
	maxTopCategories = 50
	// faqTopsTTL is how long a site's list is kept. Changes announced on
	// the bus drop it at once; the TTL covers an announcement that failed.
	faqTopsTTL = 30 * time.Second
)

// faqTops keeps, per site, the first entries of each category in each
// language: what the widget lists before the visitor types. Building it
// walks all of a site's entries, so it is kept rather than built per
// request.
type faqTops struct {
	now func() time.Time
	// build lets one request at a time build a list; the others wait for
	// it and take what it built, so that an expired list costs one walk
	// over the FAQ, not one per visitor.
	build sync.Mutex
	mu    sync.Mutex
	sites map[string]*siteTops
	// gen counts each site's changes, so that a list built from before a
	// change is not kept.
	gen map[string]int
}

type siteTops struct {
	built time.Time
	// byLang maps a language to its categories, each with its first
	// published entries by order.
	byLang map[string]map[string][]chat.FAQ
}

func newFAQTops(now func() time.Time) *faqTops {
	return &faqTops{now: now, sites: map[string]*siteTops{}, gen: map[string]int{}}
}

// forget drops a site's list, after a change to its FAQ.
func (t *faqTops) forget(site string) {
	t.mu.Lock()
	delete(t.sites, site)
	t.gen[site]++
	t.mu.Unlock()
}

// cached returns a site's list while it is fresh, and the site's change
// count.
func (t *faqTops) cached(site string) (*siteTops, int) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tops := t.sites[site]; tops != nil && t.now().Sub(tops.built) < faqTopsTTL {
		return tops, t.gen[site]
	}
	return nil, t.gen[site]
}

// onFAQEvent forgets the site of a FAQ change announced on the bus.
func (t *faqTops) onFAQEvent(data []byte) {
	var e chat.Event
	if json.Unmarshal(data, &e) == nil && e.Site != "" {
		t.forget(e.Site)
	}
}

// top returns up to n published entries of each category in lang (or in
// any language if lang has none), by category and then order.
func (t *faqTops) top(ctx context.Context, st chat.FAQStore, site, lang string, n int) ([]faqResult, error) {
	tops, err := t.site(ctx, st, site)
	if err != nil {
		return nil, err
	}
	merged := map[string][]chat.FAQ{}
	for l, cats := range tops.byLang {
		if l == lang || strings.HasPrefix(lang, l+"-") || strings.HasPrefix(l, lang+"-") {
			for c, fs := range cats {
				merged[c] = append(merged[c], fs...)
			}
		}
	}
	if len(merged) == 0 {
		for _, cats := range tops.byLang {
			for c, fs := range cats {
				merged[c] = append(merged[c], fs...)
			}
		}
	}
	cats := make([]string, 0, len(merged))
	for c := range merged {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	out := []faqResult{}
	for _, c := range cats[:min(len(cats), maxTopCategories)] {
		fs := merged[c]
		slices.SortStableFunc(fs, func(a, b chat.FAQ) int {
			if a.Order != b.Order {
				return a.Order - b.Order
			}
			return strings.Compare(a.ID, b.ID)
		})
		for _, f := range fs[:min(len(fs), n)] {
			out = append(out, faqResult{ID: f.ID, Question: f.Question, Answer: f.Answer, Category: f.Category})
		}
	}
	return out, nil
}

// site returns a site's list, building it when it is missing or old.
func (t *faqTops) site(ctx context.Context, st chat.FAQStore, site string) (*siteTops, error) {
	if tops, _ := t.cached(site); tops != nil {
		return tops, nil
	}
	t.build.Lock()
	defer t.build.Unlock()
	tops, gen := t.cached(site) // built while this one waited?
	if tops != nil {
		return tops, nil
	}
	tops = &siteTops{built: t.now(), byLang: map[string]map[string][]chat.FAQ{}}
	err := chat.EachFAQPage(ctx, st, site, func(page []chat.FAQ) error {
		for _, f := range page { // in order, so the first ones are kept
			if !f.Published {
				continue
			}
			cats := tops.byLang[f.Lang]
			if cats == nil {
				cats = map[string][]chat.FAQ{}
				tops.byLang[f.Lang] = cats
			}
			if len(cats[f.Category]) < maxTopPerCategory {
				f.Alternatives = nil
				cats[f.Category] = append(cats[f.Category], f)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// Only the first categories by name are ever shown: keep no more.
	for _, cats := range tops.byLang {
		if len(cats) > maxTopCategories {
			names := make([]string, 0, len(cats))
			for c := range cats {
				names = append(names, c)
			}
			slices.Sort(names)
			for _, c := range names[maxTopCategories:] {
				delete(cats, c)
			}
		}
	}
	t.mu.Lock()
	if t.gen[site] == gen { // else the FAQ changed while it was built
		t.sites[site] = tops
	}
	t.mu.Unlock()
	return tops, nil
}
