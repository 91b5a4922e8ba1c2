package server

import (
	"context"
	"encoding/json"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// faqRequest is an FAQ entry as an agent writes it. Counts and times are
// the server's.
type faqRequest struct {
	Lang         string   `json:"lang"`
	Category     string   `json:"category"`
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	Alternatives []string `json:"alternatives"`
	Published    *bool    `json:"published"`
	Order        int      `json:"order"`
}

func (r faqRequest) entry(site, id string) chat.FAQ {
	published := r.Published == nil || *r.Published
	return chat.FAQ{ID: id, Site: site, Lang: r.Lang, Category: r.Category, Question: r.Question, Answer: r.Answer,
		Alternatives: r.Alternatives, Published: published, Order: r.Order}
}

func (s *Server) handleListFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 100, chat.PageSize)
	if err != nil {
		return err
	}
	var after *chat.FAQ
	if cur := c.Query("cursor"); cur != "" {
		order, id, err := decodeCursor(cur)
		if err != nil {
			return err
		}
		after = &chat.FAQ{Order: int(order), ID: id}
	}
	list, err := s.opts.Store.ListFAQ(c.UserContext(), a.Site, after, limit)
	if err != nil {
		return err
	}
	next := ""
	if n := len(list); n > 0 && n == limit {
		next = encodeCursor(int64(list[n-1].Order), list[n-1].ID)
	}
	return c.JSON(fiber.Map{"faq": list, "next_cursor": next})
}

func (s *Server) handleGetFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	f, err := s.faqOf(c.UserContext(), a.Site, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"faq": f})
}

func (s *Server) faqOf(ctx context.Context, site, id string) (*chat.FAQ, error) {
	if !chat.ValidKey(id) {
		return nil, chat.NotFound("faq entry")
	}
	return s.opts.Store.FAQ(ctx, site, id)
}

func (s *Server) handleCreateFAQ(c *fiber.Ctx) error {
	return s.saveFAQ(c, chat.NewID(), fiber.StatusCreated)
}

func (s *Server) handleUpdateFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	if _, err := s.faqOf(c.UserContext(), a.Site, c.Params("id")); err != nil {
		return err
	}
	return s.saveFAQ(c, c.Params("id"), fiber.StatusOK)
}

func (s *Server) saveFAQ(c *fiber.Ctx, id string, status int) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req faqRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	f := req.entry(a.Site, id)
	if err := chat.ValidateFAQ(&f); err != nil {
		return err
	}
	f.UpdatedAt = s.opts.Now().UTC()
	ctx := c.UserContext()
	if old, err := s.opts.Store.FAQ(ctx, a.Site, id); err == nil {
		f.Views, f.Solved = old.Views, old.Solved
	}
	if err := s.opts.Store.SaveFAQ(ctx, &f); err != nil {
		return err
	}
	s.announceFAQ(ctx, &f, false)
	return c.Status(status).JSON(fiber.Map{"faq": f})
}

func (s *Server) handleDeleteFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	f, err := s.faqOf(ctx, a.Site, c.Params("id"))
	if err != nil {
		return err
	}
	if err := s.opts.Store.DeleteFAQ(ctx, a.Site, f.ID); err != nil {
		return err
	}
	s.announceFAQ(ctx, f, true)
	return c.SendStatus(fiber.StatusNoContent)
}

// announceFAQ tells every node, this one included, to update its index.
func (s *Server) announceFAQ(ctx context.Context, f *chat.FAQ, deleted bool) {
	data, err := json.Marshal(chat.Event{Type: chat.EventFAQ, Site: f.Site, FAQ: f, Deleted: deleted})
	if err == nil {
		err = s.opts.Bus.Publish(ctx, chat.FAQSubject, data)
	}
	if err != nil {
		s.log.Warn("announce FAQ change; the index catches up at the next start", "site", f.Site, "faq", f.ID, "err", err)
	}
}
