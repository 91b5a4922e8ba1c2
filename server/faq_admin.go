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
	// Order, if left out, is the stored entry's on an update, and on a
	// create the one after every entry of the language.
	Order *int `json:"order"`
}

func (r faqRequest) entry(site, id string) chat.FAQ {
	published := r.Published == nil || *r.Published
	f := chat.FAQ{ID: id, Site: site, Lang: r.Lang, Category: r.Category, Question: r.Question, Answer: r.Answer,
		Alternatives: r.Alternatives, Published: published}
	if r.Order != nil {
		f.Order = *r.Order
	}
	return f
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
	list, err := s.faq.List(c.UserContext(), a, c.Query("lang"), after, limit)
	if err != nil {
		return err
	}
	next := ""
	if n := len(list); n > 0 && n == limit {
		next = encodeCursor(int64(list[n-1].Order), list[n-1].ID)
	}
	// languages are those an entry may have, for the editor's menus.
	return c.JSON(fiber.Map{"faq": list, "next_cursor": next, "languages": chat.Languages()})
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
	ctx := c.UserContext()
	f := req.entry(a.Site, strings.Clone(c.Params("id")))
	if req.Order == nil {
		f.Order, err = s.keptOrder(c, a, f, create)
		if err != nil {
			return err
		}
	}
	if create {
		err = s.faq.Create(ctx, a, &f)
	} else {
		err = s.faq.Update(ctx, a, &f)
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

// keptOrder is the order of an entry saved without one: the stored
// entry's, or for a new entry the one after its language's last.
func (s *Server) keptOrder(c *fiber.Ctx, a chat.Actor, f chat.FAQ, create bool) (int, error) {
	if create {
		return s.faq.NextOrder(c.UserContext(), a, f.Lang)
	}
	old, err := s.faq.Get(c.UserContext(), a, f.ID)
	if err != nil {
		return 0, err
	}
	return old.Order, nil
}

type faqMoveRequest struct {
	By int `json:"by"`
}

// handleMoveFAQ moves an entry one place up or down among the entries of
// its language (chat.FAQAdmin.Move).
func (s *Server) handleMoveFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req faqMoveRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	f, err := s.faq.Move(c.UserContext(), a, c.Params("id"), req.By)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"faq": f})
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
