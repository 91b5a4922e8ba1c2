package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/canned"
	"github.com/kefu/kefu/chat"
)

// handleListCanned gives every agent of the site its canned replies, for
// the reply box's completion, and the languages a reply may have, for the
// admins' editor.
func (s *Server) handleListCanned(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	list, err := s.canned.List(ctx, a, c.Query("lang"))
	if err != nil {
		return err
	}
	langs, err := s.canned.Languages(ctx, a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"canned": list, "languages": langs})
}

func (s *Server) handleCreateCanned(c *fiber.Ctx) error { return s.saveCanned(c, true) }

func (s *Server) handleUpdateCanned(c *fiber.Ctx) error { return s.saveCanned(c, false) }

func (s *Server) saveCanned(c *fiber.Ctx, create bool) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var in canned.Input
	if err := parseBody(c, &in); err != nil {
		return err
	}
	var r *chat.Canned
	if create {
		r, err = s.canned.Create(c.UserContext(), a, in)
	} else {
		r, err = s.canned.Update(c.UserContext(), a, c.Params("id"), in)
	}
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if create {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(fiber.Map{"canned": r})
}

func (s *Server) handleDeleteCanned(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	if err := s.canned.Delete(c.UserContext(), a, c.Params("id")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
