package account

import (
	"context"
	"fmt"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// checkPassword refuses a change to an account whose current password is
// not given: changing the password, or turning two-factor login on or
// off, needs more than a stolen access token.
func checkPassword(a *chat.Agent, password string) error {
	if len(password) > maxPassword || !auth.CheckPassword(a.PasswordHash, password) {
		return chat.Invalid("the current password is wrong")
	}
	return nil
}

// ChangePassword sets the agent's password once the current one is
// checked, and ends every login of the agent: a password changed because
// it leaked leaves no session of the thief. It returns a new login, as
// Login does, so that the agent goes on working where they changed it.
func (s *Service) ChangePassword(ctx context.Context, agentID, current, next string) (Tokens, error) {
	a, err := s.agent(ctx, agentID)
	if err != nil {
		return Tokens{}, err
	}
	if err := checkPassword(a, current); err != nil {
		return Tokens{}, err
	}
	if a.PasswordHash, err = auth.HashPassword(next); err != nil {
		return Tokens{}, err
	}
	if err := s.save(ctx, a); err != nil {
		return Tokens{}, err
	}
	if err := s.store.RevokeAgent(ctx, a.ID); err != nil {
		return Tokens{}, fmt.Errorf("account: end the agent's logins: %w", err)
	}
	s.log.Info("password changed; every login of the agent ended", "agent", a.ID)
	return s.startLogin(ctx, a.ID, chat.NewID())
}
