package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// maxSuggestQuery bounds the text an agent's FAQ lookup sends, in bytes.
const maxSuggestQuery = 1000

// handleAgentSuggest finds the site's published FAQ answers for a text
// (the visitor's last question, as the inbox sends it), for an agent to
// insert into a reply: GET /api/v1/faq/suggest?site=&q=&lang=.
func (s *Server) handleAgentSuggest(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	if q == "" || len(q) > maxSuggestQuery {
		return chat.Invalid("q must hold the words to look up, at most %d bytes", maxSuggestQuery)
	}
	limit, err := queryLimit(c, 3, maxTopPerCategory)
	if err != nil {
		return err
	}
	site, err := s.site(c.UserContext(), a.Site)
	if err != nil {
		return err
	}
	out, err := s.suggest(c.UserContext(), a.Site, c.Query("lang", site.Widget.DefaultLang), strings.Clone(q), limit)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"results": out})
}
