package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// recoveryCodes is how many recovery codes an enrolment gives.
const recoveryCodes = 10

type codeRequest struct {
	Code     string `json:"code"`
	Password string `json:"current_password"`
}

// checkPassword refuses a request whose current password is wrong: turning
// two-factor login on or off needs more than a stolen access token.
func checkPassword(a *chat.Agent, req codeRequest) error {
	if len(req.Password) > 200 || !auth.CheckPassword(a.PasswordHash, req.Password) {
		return chat.Invalid("the current password is wrong")
	}
	return nil
}

// agentAndCode reads the acting agent afresh and the code of the request,
// under the per-account login limit, so that a stolen access token is no
// faster way to guess a code.
func (s *Server) agentAndCode(c *fiber.Ctx) (*chat.Agent, codeRequest, error) {
	var req codeRequest
	a, err := s.opts.Store.Agent(c.UserContext(), agentOf(c).ID)
	if err != nil {
		return nil, req, err
	}
	if !s.limits.account.allow(strings.ToLower(strings.TrimSpace(a.Email)), s.opts.Now()) {
		s.log.Warn("two-factor code checks for one account limited", "agent", a.ID, "ip", s.clientIP(c))
		return nil, req, rateLimited(time.Minute, "too many code attempts for this account; wait a minute")
	}
	return a, req, parseBody(c, &req)
}

// handleStartTOTP begins two-factor enrolment, given the current
// password: a new secret, which a code must confirm before it counts, and
// ten recovery codes, shown this once.
func (s *Server) handleStartTOTP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, req, err := s.agentAndCode(c)
	if err != nil {
		return err
	}
	if err := checkPassword(a, req); err != nil {
		return err
	}
	if a.TwoFactor() {
		return chat.Errorf(chat.CodeConflict, "two-factor login is on already; turn it off first to enrol another authenticator")
	}
	secret, url, err := auth.NewTOTP("kefu", a.Email)
	if err != nil {
		return err
	}
	codes, hashes := auth.NewRecoveryCodes(recoveryCodes)
	a.TOTPPending, a.RecoveryHashes = secret, hashes
	if err := s.opts.Store.UpdateAgent(ctx, a); err != nil {
		return err
	}
	qr, err := auth.QR(url)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"secret": secret, "otpauth_url": url, "qr": qr, "recovery_codes": codes})
}

// handleConfirmTOTP turns two-factor login on, once a code made with the
// enrolled secret proves the authenticator has it.
func (s *Server) handleConfirmTOTP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, req, err := s.agentAndCode(c)
	if err != nil {
		return err
	}
	if a.TOTPPending == "" {
		return chat.Errorf(chat.CodeConflict, "no enrolment to confirm; start one with POST /api/v1/me/totp")
	}
	if !auth.CheckTOTP(a.TOTPPending, strings.TrimSpace(req.Code), s.opts.Now()) {
		return chat.Invalid("wrong code; enter the 6 digits the authenticator shows now")
	}
	a.TOTPSecret, a.TOTPPending = a.TOTPPending, ""
	if err := s.opts.Store.UpdateAgent(ctx, a); err != nil {
		return err
	}
	s.log.Info("two-factor login turned on", "agent", a.ID)
	return c.JSON(fiber.Map{"two_factor": true})
}

// handleDeleteTOTP turns two-factor login off, given the current password
// and a code from the authenticator or a recovery code.
func (s *Server) handleDeleteTOTP(c *fiber.Ctx) error {
	ctx := c.UserContext()
	a, req, err := s.agentAndCode(c)
	if err != nil {
		return err
	}
	if err := checkPassword(a, req); err != nil {
		return err
	}
	if !a.TwoFactor() {
		return c.JSON(fiber.Map{"two_factor": false})
	}
	_, recovery := auth.UseRecoveryCode(a.RecoveryHashes, req.Code)
	if !recovery && !auth.CheckTOTP(a.TOTPSecret, strings.TrimSpace(req.Code), s.opts.Now()) {
		return chat.Invalid("wrong code: enter the authenticator's code or a recovery code")
	}
	a.TOTPSecret, a.TOTPPending, a.RecoveryHashes = "", "", nil
	if err := s.opts.Store.UpdateAgent(ctx, a); err != nil {
		return err
	}
	s.log.Info("two-factor login turned off", "agent", a.ID)
	return c.JSON(fiber.Map{"two_factor": false})
}
