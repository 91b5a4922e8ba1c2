package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

const refreshCookie = "kefu_refresh"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	TOTP     string `json:"totp"`
}

func (s *Server) handleLogin(c *fiber.Ctx) error {
	if !s.limits.login.allow(s.clientIP(c), s.opts.Now()) {
		return rateLimited(time.Minute, "too many login attempts; wait a minute")
	}
	var req loginRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	bad := chat.Errorf(chat.CodeUnauthorized, "wrong email or password")
	email := strings.ToLower(strings.TrimSpace(req.Email))
	if email == "" || len(email) > 254 || req.Password == "" || len(req.Password) > 200 {
		return bad
	}
	// Per account, whatever the address: the limit holds against a guesser
	// with many addresses, and lifts by itself, so that nobody can lock the
	// owner out for good.
	if !s.limits.account.allow(email, s.opts.Now()) {
		s.log.Warn("login attempts for one account limited", "email", email, "ip", s.clientIP(c))
		return rateLimited(time.Minute, "too many login attempts for this account; wait a minute")
	}
	a, err := s.opts.Store.AgentByEmail(c.UserContext(), email)
	if err != nil {
		if chat.IsCode(err, chat.CodeNotFound) {
			auth.CheckPassword(dummyHash, req.Password) // same time as a real check
			return bad
		}
		return err
	}
	// An invited agent has no password yet: compare with the dummy, so
	// that the answer takes as long as for anyone.
	hash := a.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	if !auth.CheckPassword(hash, req.Password) || a.PasswordHash == "" || a.Disabled {
		return bad
	}
	if a.TwoFactor() {
		if req.TOTP == "" {
			return chat.Errorf(chat.CodeUnauthorized, "two-factor code required")
		}
		if !auth.CheckTOTP(a.TOTPSecret, strings.TrimSpace(req.TOTP), s.opts.Now()) {
			// A recovery code stands in for the authenticator, once: the
			// store spends it atomically, touching nothing else.
			h := auth.RecoveryHash(req.TOTP)
			err := chat.NotFound("recovery code")
			if h != "" {
				err = s.opts.Store.UseRecoveryCode(c.UserContext(), a.ID, h)
			}
			if chat.IsCode(err, chat.CodeNotFound) {
				return chat.Errorf(chat.CodeUnauthorized, "wrong two-factor code")
			}
			if err != nil {
				return err
			}
			s.log.Warn("logged in with a recovery code", "agent", a.ID, "codes_left", len(a.RecoveryHashes)-1)
		}
	}
	return s.issueAgentTokens(c, a.ID, chat.NewID())
}

// dummyHash is checked against when the email is unknown, so that timing
// does not tell which emails have accounts.
const dummyHash = "$2a$10$C4zsI9VL/J1VuFMJGtkNgulJEGR6Hv6Cez6A2xrSDBTAe1F1dJPCS"

func (s *Server) issueAgentTokens(c *fiber.Ctx, agentID, family string) error {
	t, err := s.newAgentTokens(c.UserContext(), agentID, family)
	if err != nil {
		return err
	}
	return s.sendAgentTokens(c, t)
}

// agentTokens is a new access token and the refresh token stored with it.
type agentTokens struct {
	access, refresh string
	accessExp       time.Time
	refreshExp      time.Time
}

func (s *Server) newAgentTokens(ctx context.Context, agentID, family string) (agentTokens, error) {
	access, exp, err := s.opts.Issuer.AccessToken(agentID, family)
	if err != nil {
		return agentTokens{}, err
	}
	token, hash := auth.NewRefreshToken()
	now := s.opts.Now()
	rt := &chat.RefreshToken{Hash: hash, AgentID: agentID, Family: family, ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}
	if err := s.opts.Store.CreateRefreshToken(ctx, rt); err != nil {
		return agentTokens{}, err
	}
	return agentTokens{access: access, refresh: token, accessExp: exp, refreshExp: rt.ExpiresAt}, nil
}

func (s *Server) sendAgentTokens(c *fiber.Ctx, t agentTokens) error {
	c.Cookie(&fiber.Cookie{
		Name:     refreshCookie,
		Value:    t.refresh,
		Path:     "/api/v1/auth",
		Expires:  t.refreshExp,
		HTTPOnly: true,
		Secure:   strings.HasPrefix(s.origin, "https://"),
		SameSite: fiber.CookieSameSiteStrictMode,
	})
	return c.JSON(fiber.Map{"access_token": t.access, "expires_in": int(t.accessExp.Sub(s.opts.Now()) / time.Second), "token_type": "Bearer"})
}

// RefreshGrace is how long a used refresh token may be used again. A
// browser whose refresh answer was lost on the way, or two inbox tabs that
// refresh at the same moment, get the same next token (see
// auth.NextRefreshToken) instead of ending the login. After the window, a
// used token is a replay: its whole login is revoked.
const RefreshGrace = 10 * time.Second

// errReused answers a replayed refresh token.
var errReused = chat.Errorf(chat.CodeUnauthorized, "refresh token reused; all sessions of this login were revoked")

// handleRefresh rotates the refresh token to its next one. A token used
// again within RefreshGrace gets that same next token; later, its whole
// family is revoked.
func (s *Server) handleRefresh(c *fiber.Ctx) error {
	token := c.Cookies(refreshCookie)
	if token == "" || len(token) > 128 {
		return chat.Errorf(chat.CodeUnauthorized, "no refresh token; log in")
	}
	ctx := c.UserContext()
	rt, err := s.opts.Store.RefreshToken(ctx, auth.HashRefreshToken(token))
	if err == nil && s.opts.Now().After(rt.ExpiresAt) {
		return chat.Errorf(chat.CodeUnauthorized, "refresh token expired; log in")
	}
	if err == nil && !rt.Rotated {
		err = s.opts.Store.MarkRotated(ctx, rt.Hash, s.opts.Now())
		if chat.IsCode(err, chat.CodeConflict) { // a concurrent use won
			rt, err = s.opts.Store.RefreshToken(ctx, rt.Hash)
		}
	}
	if chat.IsCode(err, chat.CodeNotFound) { // or revoked by a racing replay
		return chat.Errorf(chat.CodeUnauthorized, "refresh token unknown or revoked; log in")
	}
	if err != nil {
		return err
	}
	if rt.Rotated && s.opts.Now().Sub(rt.RotatedAt) > RefreshGrace {
		_ = s.opts.Store.RevokeFamily(ctx, rt.Family)
		s.log.Warn("refresh token replayed; revoked its login", "agent", rt.AgentID)
		return errReused
	}
	next, nextHash := s.opts.Issuer.NextRefreshToken(token)
	now := s.opts.Now()
	nrt := &chat.RefreshToken{Hash: nextHash, AgentID: rt.AgentID, Family: rt.Family, ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}
	if err := s.opts.Store.CreateRefreshToken(ctx, nrt); chat.IsCode(err, chat.CodeConflict) {
		// Made by an earlier use of the same token: hand it out again.
		if nrt, err = s.opts.Store.RefreshToken(ctx, nextHash); err != nil {
			return err
		}
	} else if err != nil {
		return err
	}
	// A replay racing this rotation revokes the family by deleting its
	// tokens; if it did so before the next token was stored, that token
	// escaped it. The used token is gone exactly when the family was
	// revoked, so look once more, and give nothing out if it is.
	if _, err := s.opts.Store.RefreshToken(ctx, rt.Hash); chat.IsCode(err, chat.CodeNotFound) {
		_ = s.opts.Store.RevokeFamily(ctx, rt.Family)
		return errReused
	} else if err != nil {
		return err
	}
	access, exp, err := s.opts.Issuer.AccessToken(rt.AgentID, rt.Family)
	if err != nil {
		return err
	}
	return s.sendAgentTokens(c, agentTokens{access: access, refresh: next, accessExp: exp, refreshExp: nrt.ExpiresAt})
}

func (s *Server) handleLogout(c *fiber.Ctx) error {
	if token := c.Cookies(refreshCookie); token != "" && len(token) <= 128 {
		if rt, err := s.opts.Store.RefreshToken(c.UserContext(), auth.HashRefreshToken(token)); err == nil {
			if err := s.opts.Store.RevokeFamily(c.UserContext(), rt.Family); err != nil {
				return err
			}
		}
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
	return c.JSON(fiber.Map{"agent": a, "two_factor": a.TwoFactor(), "two_factor_required": must})
}
