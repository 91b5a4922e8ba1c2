package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// handleListFeedback lists a site's feedback, newest first, a page at a
// time, of one status and one category if the query names them.
func (s *Server) handleListFeedback(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 50, 100)
	if err != nil {
		return err
	}
	f := chat.FeedbackFilter{
		Limit:    limit,
		Status:   chat.FeedbackStatus(strings.Clone(c.Query("status"))),
		Category: strings.Clone(c.Query("category")),
	}
	if f.Before, f.BeforeID, err = timeCursor(c); err != nil {
		return err
	}
	list, err := s.opts.Service.Feedback(c.UserContext(), a, f)
	if err != nil {
		return err
	}
	next := ""
	if n := len(list); n > 0 && n == limit {
		next = encodeCursor(list[n-1].CreatedAt.UnixNano(), list[n-1].ID)
	}
	return c.JSON(fiber.Map{"feedback": list, "next_cursor": next})
}

// feedbackPatch is an admin's change to one piece of feedback; a field
// left out stays as it is.
type feedbackPatch struct {
	Status *string `json:"status"`
	Note   *string `json:"note"`
}

func (s *Server) handlePatchFeedback(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var p feedbackPatch
	if err := parseBody(c, &p); err != nil {
		return err
	}
	f, err := s.opts.Service.UpdateFeedback(c.UserContext(), a, strings.Clone(c.Params("id")), chat.FeedbackChange(p))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"feedback": f})
}
