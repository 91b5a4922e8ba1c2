package server

import (
	"context"
	"strings"

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
	if err := s.visitors.CountFAQEvent(c.UserContext(), visitorOf(c), c.Params("id"), chat.FAQEvent(req.Type)); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"ok": true})
}
