package server

import (
	"github.com/gofiber/fiber/v2"
)

type codeRequest struct {
	Code     string `json:"code"`
	Password string `json:"current_password"`
}

// codeBody reads the request of a two-factor change, under the login
// limit per account.
func (s *Server) codeBody(c *fiber.Ctx) (codeRequest, error) {
	var req codeRequest
	if err := s.allowAccount(c, "code"); err != nil {
		return req, err
	}
	return req, parseBody(c, &req)
}

// handleStartTOTP begins two-factor enrolment, given the current
// password (see account.Service.StartTOTP).
func (s *Server) handleStartTOTP(c *fiber.Ctx) error {
	req, err := s.codeBody(c)
	if err != nil {
		return err
	}
	e, err := s.account.StartTOTP(c.UserContext(), agentOf(c).ID, req.Password)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"secret": e.Secret, "otpauth_url": e.URL, "qr": e.QR, "recovery_codes": e.RecoveryCodes})
}

// handleConfirmTOTP turns two-factor login on, given a code of the
// enrolled secret. Every other login of the agent ends (they were made
// with the password alone); the answer is a new login for this browser.
func (s *Server) handleConfirmTOTP(c *fiber.Ctx) error {
	req, err := s.codeBody(c)
	if err != nil {
		return err
	}
	t, err := s.account.ConfirmTOTP(c.UserContext(), agentOf(c).ID, req.Code)
	if err != nil {
		return err
	}
	return s.sendAgentTokensWith(c, t, fiber.Map{"two_factor": true})
}

// handleDeleteTOTP turns two-factor login off, given the current password
// and a code from the authenticator or a recovery code.
func (s *Server) handleDeleteTOTP(c *fiber.Ctx) error {
	req, err := s.codeBody(c)
	if err != nil {
		return err
	}
	if err := s.account.DisableTOTP(c.UserContext(), agentOf(c).ID, req.Password, req.Code); err != nil {
		return err
	}
	return c.JSON(fiber.Map{"two_factor": false})
}
