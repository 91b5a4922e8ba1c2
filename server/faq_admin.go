package server

import (
	"strings"

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
	list, err := s.faq.List(c.UserContext(), a, after, limit)
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
	f, err := s.faq.Get(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"faq": f})
}

func (s *Server) handleCreateFAQ(c *fiber.Ctx) error {
	return s.saveFAQ(c, true)
}

func (s *Server) handleUpdateFAQ(c *fiber.Ctx) error {
	return s.saveFAQ(c, false)
}

func (s *Server) saveFAQ(c *fiber.Ctx, create bool) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req faqRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	f := req.entry(a.Site, strings.Clone(c.Params("id")))
	if create {
		err = s.faq.Create(c.UserContext(), a, &f)
	} else {
		err = s.faq.Update(c.UserContext(), a, &f)
	}
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if create {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"faq": f})
}

func (s *Server) handleDeleteFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	if err := s.faq.Delete(c.UserContext(), a, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
