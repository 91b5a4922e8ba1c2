package sqlite

import (
	"context"
	"time"

	"github.com/kefu/kefu/chat"
)

// ClaimUnanswered marks and returns up to limit open conversations
// created from since to before `before` with no agent reply and no alert
// yet. Each is
// claimed by a conditional update, so that a conversation is claimed once.
func (s *Store) ClaimUnanswered(ctx context.Context, since, before, at time.Time, limit int) ([]chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+conversationColumns+` FROM conversations
		WHERE status = 'open' AND first_reply_at = 0 AND alerted_at = 0 AND created_at >= ? AND created_at < ?
		ORDER BY created_at LIMIT ?`, millis(since), millis(before), limit)
	found, err := collect(rows, err, "find unanswered conversations", "conversation", scanConversation)
	if err != nil {
		return nil, err
	}
	var out []chat.Conversation
	for _, c := range found {
		res, err := s.w.ExecContext(ctx, `UPDATE conversations SET alerted_at = ?
			WHERE id = ? AND alerted_at = 0 AND first_reply_at = 0 AND status = 'open'`, millis(at), c.ID)
		if err != nil {
			return out, mapErr(err, "claim unanswered conversation", "conversation")
		}
		if n, err := res.RowsAffected(); err == nil && n == 1 {
			out = append(out, c)
		}
	}
	return out, nil
}
