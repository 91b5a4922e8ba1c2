package account

import (
	"context"
	"fmt"
	"strings"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// Credentials are what an agent logs in with.
type Credentials struct {
	Email    string
	Password string
	// Code is the authenticator's code, or a recovery code, of an agent
	// with two-factor login on.
	Code string
}

// Bounds of what a login reads; longer input is a wrong login.
const (
	maxEmail    = 254
	maxPassword = 200
)

// dummyHash is checked against when the email is unknown, so that timing
// does not tell which emails have accounts.
const dummyHash = "$2a$10$C4zsI9VL/J1VuFMJGtkNgulJEGR6Hv6Cez6A2xrSDBTAe1F1dJPCS"

// errWrongLogin answers every wrong email or password alike, so that the
// answer does not tell which emails have accounts, nor which are disabled.
var errWrongLogin = chat.Errorf(chat.CodeUnauthorized, "wrong email or password")

// Login checks an agent's credentials and starts a new login.
//
// allow, unless nil, is asked first with the email as kefu keeps it
// (trimmed, lower case), once the input could be a login: it is the
// caller's limit of attempts per account, and its error is returned as is.
func (s *Service) Login(ctx context.Context, in Credentials, allow func(email string) error) (Tokens, error) {
	email := strings.ToLower(strings.TrimSpace(in.Email))
	if email == "" || len(email) > maxEmail || in.Password == "" || len(in.Password) > maxPassword {
		return Tokens{}, errWrongLogin
	}
	if allow != nil {
		if err := allow(email); err != nil {
			return Tokens{}, err
		}
	}
	a, err := s.store.AgentByEmail(ctx, email)
	if err != nil {
		if chat.IsCode(err, chat.CodeNotFound) {
			auth.CheckPassword(dummyHash, in.Password) // same time as a real check
			return Tokens{}, errWrongLogin
		}
		return Tokens{}, fmt.Errorf("account: agent by email: %w", err)
	}
	// An invited agent has no password yet: compare with the dummy, so
	// that the answer takes as long as for anyone.
	hash := a.PasswordHash
	if hash == "" {
		hash = dummyHash
	}
	if !auth.CheckPassword(hash, in.Password) || a.PasswordHash == "" || a.Disabled {
		return Tokens{}, errWrongLogin
	}
	if err := s.secondFactor(ctx, a, in.Code); err != nil {
		return Tokens{}, err
	}
	return s.startLogin(ctx, a.ID, chat.NewID())
}

// secondFactor checks the code of an agent with two-factor login on: the
// authenticator's, or a recovery code, which works once.
func (s *Service) secondFactor(ctx context.Context, a *chat.Agent, code string) error {
	if !a.TwoFactor() {
		return nil
	}
	if code == "" {
		return chat.Errorf(chat.CodeUnauthorized, "two-factor code required")
	}
	if auth.CheckTOTP(a.TOTPSecret, strings.TrimSpace(code), s.now()) {
		return nil
	}
	// The store spends a recovery code atomically, touching nothing else,
	// so that two logins racing with one code cannot both pass.
	err := chat.NotFound("recovery code")
	if h := auth.RecoveryHash(code); h != "" {
		err = s.store.UseRecoveryCode(ctx, a.ID, h)
	}
	if chat.IsCode(err, chat.CodeNotFound) {
		return chat.Errorf(chat.CodeUnauthorized, "wrong two-factor code")
	}
	if err != nil {
		return fmt.Errorf("account: use recovery code: %w", err)
	}
	s.log.Warn("logged in with a recovery code", "agent", a.ID, "codes_left", len(a.RecoveryHashes)-1)
	return nil
}
