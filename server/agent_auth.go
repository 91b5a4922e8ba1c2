package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/chat"
)

const refreshCookie = "kefu_refresh"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

// handleLogin starts an agent's login (see account.Service.Login), under
// the login limits per address and per account.
func (s *Server) handleLogin(c *fiber.Ctx) error {
	ip := s.clientIP(c)
	if !s.limits.login.allow(ip, s.opts.Now()) {
		return rateLimited(time.Minute, "too many login attempts; wait a minute")
	}
	var req loginRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	// Per account, whatever the address: the limit holds against a guesser
	// with many addresses, and lifts by itself, so that nobody can lock the
	// owner out for good.
	perAccount := func(email string) error {
		if !s.limits.account.allow(email, s.opts.Now()) {
			s.log.Warn("login attempts for one account limited", "email", email, "ip", ip)
			return rateLimited(time.Minute, "too many login attempts for this account; wait a minute")
		}
		return nil
	}
	t, err := s.account.Login(c.UserContext(), account.Credentials{Email: req.Email, Password: req.Password, Code: req.TOTP}, perAccount)
	if err != nil {
		return err
	}
	return s.sendAgentTokens(c, t)
}

// sendAgentTokens answers with a login's tokens: the refresh token in a
// cookie that only the auth routes get, the access token in the body.
func (s *Server) sendAgentTokens(c *fiber.Ctx, t account.Tokens) error {
	return s.sendAgentTokensWith(c, t, nil)
}

// sendAgentTokensWith answers with a new login, and what extra says.
func (s *Server) sendAgentTokensWith(c *fiber.Ctx, t account.Tokens, extra fiber.Map) error {
	c.Cookie(&fiber.Cookie{
		Name:     refreshCookie,
		Value:    t.Refresh,
		Path:     "/api/v1/auth",
		Expires:  t.RefreshExpires,
		HTTPOnly: true,
		Secure:   strings.HasPrefix(s.origin, "https://"),
		SameSite: fiber.CookieSameSiteStrictMode,
	})
	out := fiber.Map{"access_token": t.Access, "expires_in": int(t.AccessExpires.Sub(s.opts.Now()) / time.Second), "token_type": "Bearer"}
	for k, v := range extra {
		out[k] = v
	}
	return c.JSON(out)
}

// handleRefresh rotates the refresh token of the cookie (see
// account.Service.Refresh).
func (s *Server) handleRefresh(c *fiber.Ctx) error {
	t, err := s.account.Refresh(c.UserContext(), c.Cookies(refreshCookie))
	if err != nil {
		return err
	}
	return s.sendAgentTokens(c, t)
}

// handleLogout ends the login of the refresh cookie, and clears it.
func (s *Server) handleLogout(c *fiber.Ctx) error {
	if err := s.account.Logout(c.UserContext(), c.Cookies(refreshCookie)); err != nil {
		return err
	}
	c.ClearCookie(refreshCookie)
	return c.SendStatus(fiber.StatusNoContent)
}

func (s *Server) handleMe(c *fiber.Ctx) error {
	a := agentOf(c)
	must, err := chat.MustEnrol(c.UserContext(), s.site, a)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"agent": a, "two_factor": a.TwoFactor(), "two_factor_required": must,
		// Whether kefu emails replies to offline messages; without it the
		// inbox offers a mailto: link.
		"mail": s.opts.Replies != nil})
}
