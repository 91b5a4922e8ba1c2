package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

type passwordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// handleChangePassword sets the agent's password once the current one is
// checked, and ends every login of the agent: a password changed because
// it leaked leaves no session of the thief. The answer is a new login for
// this browser, as a login's is, so that the agent goes on working here.
func (s *Server) handleChangePassword(c *fiber.Ctx) error {
	a := agentOf(c)
	// The login limit, per account: a stolen access token must not make
	// this a faster way to guess the password.
	if !s.limits.account.allow(strings.ToLower(strings.TrimSpace(a.Email)), s.opts.Now()) {
		s.log.Warn("password checks for one account limited", "agent", a.ID, "ip", s.clientIP(c))
		return rateLimited(time.Minute, "too many password attempts for this account; wait a minute")
	}
	var req passwordRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	if len(req.Current) > 200 || !auth.CheckPassword(a.PasswordHash, req.Current) {
		return chat.Invalid("the current password is wrong")
	}
	hash, err := auth.HashPassword(req.New)
	if err != nil {
		return err
	}
	// Read the agent again, so that a change of role or sites made since
	// this request began is kept.
	ctx := c.UserContext()
	changed, err := s.opts.Store.Agent(ctx, a.ID)
	if err != nil {
		return err
	}
	changed.PasswordHash = hash
	if err := s.opts.Store.UpdateAgent(ctx, changed); err != nil {
		return err
	}
	if err := s.opts.Store.RevokeAgent(ctx, a.ID); err != nil {
		return err
	}
	s.log.Info("password changed; every login of the agent ended", "agent", a.ID)
	return s.issueAgentTokens(c, a.ID, chat.NewID())
}
