package server

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// resumeSession answers POST /widget/{site}/session with {"resume": T}:
// the token of the link in a reply email, which the chat page reads from
// its fragment. It gives the conversation's visitor a session again, on
// the link's site only.
func (s *Server) resumeSession(c *fiber.Ctx, site *chat.Site, token string) error {
	claims, err := s.opts.Issuer.ParseResume(token)
	if err != nil {
		return chat.Errorf(chat.CodeUnauthorized, "this link is not valid or has expired")
	}
	v, err := s.visitors.Resume(c.UserContext(), site, chat.ResumeClaim{
		Site: claims.Site, ConversationID: claims.ConversationID, VisitorID: claims.VisitorID,
	})
	if err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	tok, exp, err := s.opts.Issuer.VisitorToken(auth.VisitorClaims{Site: site.Key, VisitorID: v.ID})
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"token": tok, "visitor_id": v.ID, "verified": false, "conversation_id": claims.ConversationID,
		"expires_in": int(exp.Sub(now) / time.Second)})
}
