package account

import (
	"context"
	"fmt"
	"time"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// RefreshGrace is how long a used refresh token may be used again. A
// browser whose refresh answer was lost on the way, or two inbox tabs that
// refresh at the same moment, get the same next token (see
// auth.Issuer.NextRefreshToken) instead of ending the login. After the
// window, a used token is a replay: its whole login is revoked.
const RefreshGrace = 10 * time.Second

// maxRefreshToken bounds a refresh token as presented.
const maxRefreshToken = 128

// errReused answers a replayed refresh token: its login has ended.
var errReused = chat.Errorf(chat.CodeUnauthorized, "refresh token reused; all sessions of this login were revoked")

// Refresh rotates a refresh token to its next one, with a new access
// token of the same login. A token used again within RefreshGrace gets
// that same next token; later, its whole login is revoked.
func (s *Service) Refresh(ctx context.Context, token string) (Tokens, error) {
	if token == "" || len(token) > maxRefreshToken {
		return Tokens{}, chat.Errorf(chat.CodeUnauthorized, "no refresh token; log in")
	}
	rt, err := s.store.RefreshToken(ctx, auth.HashRefreshToken(token))
	if err == nil && s.now().After(rt.ExpiresAt) {
		return Tokens{}, chat.Errorf(chat.CodeUnauthorized, "refresh token expired; log in")
	}
	if err == nil && !rt.Rotated {
		err = s.store.MarkRotated(ctx, rt.Hash, s.now())
		if chat.IsCode(err, chat.CodeConflict) { // a concurrent use won
			rt, err = s.store.RefreshToken(ctx, rt.Hash)
		}
	}
	if chat.IsCode(err, chat.CodeNotFound) { // or revoked by a racing replay
		return Tokens{}, chat.Errorf(chat.CodeUnauthorized, "refresh token unknown or revoked; log in")
	}
	if err != nil {
		return Tokens{}, fmt.Errorf("account: use refresh token: %w", err)
	}
	if rt.Rotated && s.now().Sub(rt.RotatedAt) > RefreshGrace {
		return Tokens{}, s.replayed(ctx, rt)
	}
	next, nextHash := s.issuer.NextRefreshToken(token)
	nrt := s.refreshToken(rt.AgentID, rt.Family, nextHash)
	if err := s.store.CreateRefreshToken(ctx, nrt); chat.IsCode(err, chat.CodeConflict) {
		// Made by an earlier use of the same token: hand it out again.
		if nrt, err = s.store.RefreshToken(ctx, nextHash); err != nil {
			return Tokens{}, fmt.Errorf("account: read next refresh token: %w", err)
		}
	} else if err != nil {
		return Tokens{}, fmt.Errorf("account: store next refresh token: %w", err)
	}
	// A replay racing this rotation revokes the family by deleting its
	// tokens; if it did so before the next token was stored, that token
	// escaped it. The used token is gone exactly when the family was
	// revoked, so look once more, and give nothing out if it is.
	if _, err := s.store.RefreshToken(ctx, rt.Hash); chat.IsCode(err, chat.CodeNotFound) {
		_ = s.store.RevokeFamily(ctx, rt.Family)
		return Tokens{}, errReused
	} else if err != nil {
		return Tokens{}, fmt.Errorf("account: read used refresh token: %w", err)
	}
	return s.tokens(rt.AgentID, rt.Family, next, nrt.ExpiresAt)
}

// replayed ends the login of a refresh token used after its grace window:
// the token was stolen, or the login's owner is one of two holders of it.
func (s *Service) replayed(ctx context.Context, rt *chat.RefreshToken) error {
	// The answer is errReused even if the revocation fails: the token
	// gets nothing either way, and a retry revokes again.
	_ = s.store.RevokeFamily(ctx, rt.Family)
	s.log.Warn("refresh token replayed; revoked its login", "agent", rt.AgentID)
	return errReused
}

// Logout ends the login of a refresh token. A token that is missing, or
// that the store does not give back (unknown, revoked already, or not
// read), ends nothing and is no error: the caller forgets it either way.
func (s *Service) Logout(ctx context.Context, token string) error {
	if token == "" || len(token) > maxRefreshToken {
		return nil
	}
	rt, err := s.store.RefreshToken(ctx, auth.HashRefreshToken(token))
	if err != nil {
		return nil
	}
	if err := s.store.RevokeFamily(ctx, rt.Family); err != nil {
		return fmt.Errorf("account: revoke login: %w", err)
	}
	return nil
}
