package server

import (
	"context"
	"strings"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

type faqResult struct {
	ID       string  `json:"id"`
	Question string  `json:"question"`
	Answer   string  `json:"answer"`
	Category string  `json:"category"`
	Score    float64 `json:"score"`
	// Lang is set, to the entry's language, only when it is not the
	// visitor's: such entries come only when none in the visitor's
	// language answers well, and the widget marks them.
	Lang string `json:"lang,omitempty"`
}

// handleWidgetFAQ suggests FAQ entries for a visitor's text, or lists the
// top entries of each category when there is no text.
func (s *Server) handleWidgetFAQ(c *fiber.Ctx) error {
	site := siteOf(c)
	lang := c.Query("lang", site.Widget.DefaultLang)
	limit, err := queryLimit(c, 5, maxTopPerCategory)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	q := strings.TrimSpace(c.Query("q"))
	if q == "" {
		top, err := s.faqTops.top(ctx, s.opts.Store, site.Key, lang, limit)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"results": top})
	}
	s.metrics.faqSearches.WithLabelValues("typing").Inc()
	out, err := s.suggest(ctx, site.Key, lang, q, limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": out})
}

// base is the primary subtag of a language tag: "zh" of "zh-CN".
func base(tag string) string {
	b, _, _ := strings.Cut(strings.ToLower(tag), "-")
	return b
}

// suggest returns the published entries of site that best answer text.
func (s *Server) suggest(ctx context.Context, site, lang, text string, n int) ([]faqResult, error) {
	out := []faqResult{}
	if s.opts.FAQ == nil {
		return out, nil
	}
	hits, err := s.opts.FAQ.Suggest(ctx, site, lang, text, n)
	if err != nil {
		return nil, err
	}
	for _, h := range hits {
		f, err := s.opts.Store.FAQ(ctx, site, h.ID)
		if err != nil {
			if chat.IsCode(err, chat.CodeNotFound) {
				continue // deleted since it was indexed
			}
			return nil, err
		}
		if f.Published {
			r := faqResult{ID: f.ID, Question: f.Question, Answer: f.Answer, Category: f.Category, Score: h.Score}
			if base(f.Lang) != base(lang) {
				r.Lang = f.Lang
			}
			out = append(out, r)
		}
	}
	return out, nil
}

type faqEventRequest struct {
	Type string `json:"type"`
}

// handleFAQEvent counts a suggestion opened or marked as solving the
// visitor's problem.
func (s *Server) handleFAQEvent(c *fiber.Ctx) error {
	var req faqEventRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	if req.Type != "open" && req.Type != "solved" {
		return chat.Invalid("type must be open or solved")
	}
	id := c.Params("id")
	if !chat.ValidKey(id) {
		return chat.NotFound("faq entry")
	}
	v := visitorOf(c)
	key := v.Site + "/" + id + "/" + v.VisitorID + "/" + req.Type
	if !s.faqEvents.first(key) {
		return c.JSON(fiber.Map{"ok": true}) // counted already
	}
	if err := s.opts.Store.CountFAQEvent(c.UserContext(), v.Site, id, req.Type == "solved"); err != nil {
		s.faqEvents.forget(key) // not counted: a retry may count
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}

// seenOnce remembers keys, so that each visitor's "opened" and "solved"
// count once per entry. It forgets everything when full (then a visitor
// may count again), and each node keeps its own: a bound, not a ledger.
type seenOnce struct {
	mu sync.Mutex
	m  map[string]struct{}
}

const seenOnceSize = 100_000 // keys of about 100 bytes: ~10 MB at most

// first reports whether key is new, and remembers it.
func (o *seenOnce) first(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.m[key]; ok {
		return false
	}
	if o.m == nil || len(o.m) >= seenOnceSize {
		o.m = make(map[string]struct{})
	}
	o.m[strings.Clone(key)] = struct{}{}
	return true
}

// forget lets key count again.
func (o *seenOnce) forget(key string) {
	o.mu.Lock()
	delete(o.m, key)
	o.mu.Unlock()
}
