package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
)

type passwordRequest struct {
	Current string `json:"current_password"`
	New     string `json:"new_password"`
}

// handleChangePassword sets the agent's password and ends every login of
// theirs (see account.Service.ChangePassword). The answer is a new login
// for this browser, as a login's is, so that the agent goes on working
// here.
func (s *Server) handleChangePassword(c *fiber.Ctx) error {
	if err := s.allowAccount(c, "password"); err != nil {
		return err
	}
	var req passwordRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	t, err := s.account.ChangePassword(c.UserContext(), agentOf(c).ID, req.Current, req.New)
	if err != nil {
		return err
	}
	return s.sendAgentTokens(c, t)
}

// allowAccount applies the login limit per account to the signed-in
// agent's checks of a password or a code (what says which): a stolen
// access token must not make these a faster way to guess.
func (s *Server) allowAccount(c *fiber.Ctx, what string) error {
	a := agentOf(c)
	if !s.limits.account.allow(strings.ToLower(strings.TrimSpace(a.Email)), s.opts.Now()) {
		s.log.Warn(what+" checks for one account limited", "agent", a.ID, "ip", s.clientIP(c))
		return rateLimited(time.Minute, "too many "+what+" attempts for this account; wait a minute")
	}
	return nil
}
