package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/kefu/kefu/chat"
)

// CreateRefreshToken stores a refresh token by its hash. Callers check
// ExpiresAt; expired tokens stay until their family is revoked.
func (s *Store) CreateRefreshToken(ctx context.Context, t *chat.RefreshToken) error {
	if t.Hash == "" {
		return chat.Invalid("refresh token needs a hash")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `INSERT INTO refresh_tokens (hash, agent_id, family, rotated, expires_at, created_at, rotated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		t.Hash, t.AgentID, t.Family, bit(t.Rotated), millis(t.ExpiresAt), millis(t.CreatedAt), millis(t.RotatedAt))
	return mapErr(err, "insert refresh token", "refresh token")
}

// RefreshToken returns the token with hash.
func (s *Store) RefreshToken(ctx context.Context, hash string) (*chat.RefreshToken, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	t := chat.RefreshToken{Hash: hash}
	var exp, created, rotated int64
	err := s.queryRow(ctx, `SELECT agent_id, family, rotated, expires_at, created_at, rotated_at
		FROM refresh_tokens WHERE hash = ?`, hash).Scan(&t.AgentID, &t.Family, &t.Rotated, &exp, &created, &rotated)
	if err != nil {
		return nil, mapErr(err, "find refresh token", "refresh token")
	}
	t.ExpiresAt, t.CreatedAt, t.RotatedAt = fromMillis(exp), fromMillis(created), fromMillis(rotated)
	return &t, nil
}

// MarkRotated flags a token as used. It fails with chat.CodeConflict when
// it was already rotated, which means the token was stolen and replayed:
// of two concurrent calls, exactly one succeeds, because the check and
// the change are one statement.
func (s *Store) MarkRotated(ctx context.Context, hash string, at time.Time) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE refresh_tokens SET rotated = 1, rotated_at = ? WHERE hash = ? AND rotated = 0`, millis(at), hash)
	if err = updated(res, err, "rotate refresh token", "refresh token"); !chat.IsCode(err, chat.CodeNotFound) {
		return err
	}
	// Nothing changed: the token is missing, or was rotated already.
	if _, err := s.RefreshToken(ctx, hash); err != nil {
		return err
	}
	return chat.Errorf(chat.CodeConflict, "refresh token already used")
}

// RevokeFamily deletes every token of a family, so that none of them can
// be used again.
func (s *Store) RevokeFamily(ctx context.Context, family string) error {
	if family == "" {
		return chat.Invalid("refresh token family is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE family = ?`, family)
	return mapErr(err, "revoke refresh token family", "refresh token")
}

// RevokeAgent deletes every token of an agent: every login ends.
func (s *Store) RevokeAgent(ctx context.Context, agentID string) error {
	if agentID == "" {
		return chat.Invalid("agent id is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE agent_id = ?`, agentID)
	return mapErr(err, "revoke agent's refresh tokens", "refresh token")
}

// FamilyActive reports whether a family still has a token.
func (s *Store) FamilyActive(ctx context.Context, family string) (bool, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var one int
	err := s.queryRow(ctx, `SELECT 1 FROM refresh_tokens WHERE family = ? LIMIT 1`, family).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, mapErr(err, "find refresh token family", "refresh token")
	}
	return true, nil
}
