package sqlite

import (
	"context"
	"database/sql"
	"slices"
	"time"
)

// DeleteExpiredTokens deletes refresh tokens that expired before t: an
// expired token is refused anyway, so its replay needs no detecting.
func (s *Store) DeleteExpiredTokens(ctx context.Context, t time.Time) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `DELETE FROM refresh_tokens WHERE expires_at < ?`, millis(t))
	return affected(res, err, "delete expired refresh tokens")
}

// DeleteIdleVisitors deletes up to limit anonymous visitors last seen
// before t who have no conversation.
func (s *Store) DeleteIdleVisitors(ctx context.Context, t time.Time, limit int) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `DELETE FROM visitors WHERE id IN (
		SELECT v.id FROM visitors v
		WHERE v.user_id = '' AND v.last_seen_at < ?
			AND NOT EXISTS (SELECT 1 FROM conversations c WHERE c.visitor_id = v.id AND c.site = v.site)
		LIMIT ?)`, millis(t), limit)
	return affected(res, err, "delete idle visitors")
}

// DeleteResolvedConversations deletes up to limit resolved conversations
// last changed before t, and their messages, in one transaction.
func (s *Store) DeleteResolvedConversations(ctx context.Context, t time.Time, limit int) (int, []string, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, nil, mapErr(err, "begin delete resolved conversations", "conversation")
	}
	defer tx.Rollback()
	// Every statement picks the same conversations: nothing else writes
	// inside this transaction, and the order is total.
	const doomed = `SELECT id FROM conversations WHERE status = 'resolved' AND updated_at < ?
		ORDER BY updated_at, id LIMIT ?`
	rows, err := tx.QueryContext(ctx, `DELETE FROM attachments WHERE (site, conversation_id) IN (SELECT site, id FROM (`+doomed+`))
		RETURNING blob, thumb`, millis(t), limit)
	if err != nil {
		return 0, nil, mapErr(err, "delete files of resolved conversations", "attachment")
	}
	var blobs []string
	for rows.Next() {
		var blob, thumb string
		if err := rows.Scan(&blob, &thumb); err != nil {
			rows.Close()
			return 0, nil, mapErr(err, "delete files of resolved conversations", "attachment")
		}
		for _, k := range []string{blob, thumb} {
			if k != "" && !slices.Contains(blobs, k) {
				blobs = append(blobs, k)
			}
		}
	}
	if err := rows.Close(); err != nil {
		return 0, nil, mapErr(err, "delete files of resolved conversations", "attachment")
	}
	idRows, err := tx.QueryContext(ctx, doomed, millis(t), limit)
	ids, err := collect(idRows, err, "unindex resolved conversations", "conversation", func(r rowScanner) (id string, err error) {
		return id, r.Scan(&id)
	})
	if err != nil {
		return 0, nil, err
	}
	if err := unindex(ctx, tx, ids); err != nil {
		return 0, nil, err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE conversation_id IN (`+doomed+`)`, millis(t), limit); err != nil {
		return 0, nil, mapErr(err, "delete messages of resolved conversations", "conversation")
	}
	res, err := tx.ExecContext(ctx, `DELETE FROM conversations WHERE id IN (`+doomed+`)`, millis(t), limit)
	n, err := affected(res, err, "delete resolved conversations")
	if err != nil {
		return 0, nil, err
	}
	if err := tx.Commit(); err != nil {
		return 0, nil, mapErr(err, "commit delete resolved conversations", "conversation")
	}
	return n, blobs, nil
}

// affected is the number of rows a statement changed.
func affected(res sql.Result, err error, op string) (int, error) {
	if err != nil {
		return 0, mapErr(err, op, "row")
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, mapErr(err, op, "row")
	}
	return int(n), nil
}
