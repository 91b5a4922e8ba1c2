package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// recoveryCodes is how many recovery codes an enrolment gives.
const recoveryCodes = 10

// totpIssuer names kefu in the agent's authenticator app.
const totpIssuer = "kefu"

// Enrolment is a two-factor secret waiting for its confirmation, and the
// recovery codes that stand in for the authenticator, each once. The codes
// are kept only as hashes: this is the one time they are shown.
type Enrolment struct {
	Secret string
	// URL is the otpauth:// URL an authenticator app reads.
	URL string
	// QR is the URL's QR code, as rows of '1' (dark) and '0' (light).
	QR            []string
	RecoveryCodes []string
}

// StartTOTP begins two-factor enrolment, given the current password: a new
// secret, which a code must confirm before it counts (ConfirmTOTP), and
// new recovery codes.
func (s *Service) StartTOTP(ctx context.Context, agentID, password string) (*Enrolment, error) {
	a, err := s.agent(ctx, agentID)
	if err != nil {
		return nil, err
	}
	if err := checkPassword(a, password); err != nil {
		return nil, err
	}
	if a.TwoFactor() {
		return nil, chat.Errorf(chat.CodeConflict, "two-factor login is on already; turn it off first to enrol another authenticator")
	}
	secret, url, err := auth.NewTOTP(totpIssuer, a.Email)
	if err != nil {
		return nil, err
	}
	codes, hashes := auth.NewRecoveryCodes(recoveryCodes)
	a.TOTPPending, a.RecoveryHashes = secret, hashes
	if err := s.save(ctx, a); err != nil {
		return nil, err
	}
	qr, err := auth.QR(url)
	if err != nil {
		return nil, err
	}
	return &Enrolment{Secret: secret, URL: url, QR: qr, RecoveryCodes: codes}, nil
}

// ConfirmTOTP turns two-factor login on, once a code made with the
// pending secret proves that the authenticator has it. Every login of the
// agent ends, since each was made with the password alone (one could be a
// thief's, whom a site's two-factor policy held back until now), and the
// answer is a new login for the browser that confirmed.
func (s *Service) ConfirmTOTP(ctx context.Context, agentID, code string) (Tokens, error) {
	a, err := s.agent(ctx, agentID)
	if err != nil {
		return Tokens{}, err
	}
	if a.TOTPPending == "" {
		return Tokens{}, chat.Errorf(chat.CodeConflict, "no enrolment to confirm; start one with POST /api/v1/me/totp")
	}
	if !auth.CheckTOTP(a.TOTPPending, strings.TrimSpace(code), s.now()) {
		return Tokens{}, chat.Invalid("wrong code; enter the 6 digits the authenticator shows now")
	}
	a.TOTPSecret, a.TOTPPending = a.TOTPPending, ""
	if err := s.save(ctx, a); err != nil {
		return Tokens{}, err
	}
	if err := s.store.RevokeAgent(ctx, a.ID); err != nil {
		return Tokens{}, fmt.Errorf("account: end the agent's logins: %w", err)
	}
	s.log.Info("two-factor login turned on; every other login of the agent ended", "agent", a.ID)
	return s.startLogin(ctx, a.ID, chat.NewID())
}

// DisableTOTP turns two-factor login off, given the current password and
// a code from the authenticator or a recovery code. It is no error when it
// is off already.
func (s *Service) DisableTOTP(ctx context.Context, agentID, password, code string) error {
	a, err := s.agent(ctx, agentID)
	if err != nil {
		return err
	}
	if err := checkPassword(a, password); err != nil {
		return err
	}
	if !a.TwoFactor() {
		return nil
	}
	_, recovery := auth.UseRecoveryCode(a.RecoveryHashes, code)
	if !recovery && !auth.CheckTOTP(a.TOTPSecret, strings.TrimSpace(code), s.now()) {
		return chat.Invalid("wrong code: enter the authenticator's code or a recovery code")
	}
	if s.site != nil {
		without := *a
		without.TOTPSecret = ""
		required, err := chat.MustEnrol(ctx, s.site, &without)
		if err != nil {
			return err
		}
		if required {
			return chat.Errorf(chat.CodeForbidden, "a site of yours requires two-factor login, so it stays on")
		}
	}
	a.TOTPSecret, a.TOTPPending, a.RecoveryHashes = "", "", nil
	if err := s.save(ctx, a); err != nil {
		return err
	}
	s.log.Info("two-factor login turned off", "agent", a.ID)
	return nil
}
