package sqlite

import (
	"context"
	"encoding/json"
	"time"
)

// unsent is true for the attachment a that no message of its
// conversation carries. A message's files are a JSON array of ids, ”
// for none.
const unsent = `NOT EXISTS (
	SELECT 1 FROM messages m, json_each(CASE m.attachments WHEN '' THEN '[]' ELSE m.attachments END) j
	WHERE m.conversation_id = a.conversation_id AND m.attachments != '' AND j.value = a.id)`

// DeleteUnsentAttachments deletes up to limit attachment records created
// before t that no message carries. The readers find them, so that the
// writer is not held through the scan; the writer checks each again,
// so that one sent meanwhile stays.
func (s *Store) DeleteUnsentAttachments(ctx context.Context, t time.Time, limit int) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	type key struct{ site, id string }
	rows, err := s.query(ctx, `SELECT a.site, a.id FROM attachments a WHERE a.created_at < ? AND `+unsent+` LIMIT ?`, millis(t), limit)
	found, err := collect(rows, err, "find unsent attachments", "attachment", func(r rowScanner) (key, error) {
		var k key
		return k, r.Scan(&k.site, &k.id)
	})
	if err != nil || len(found) == 0 {
		return 0, err
	}
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, mapErr(err, "begin delete unsent attachments", "attachment")
	}
	defer tx.Rollback()
	n := 0
	for _, k := range found {
		res, err := tx.ExecContext(ctx, `DELETE FROM attachments AS a WHERE a.site = ? AND a.id = ? AND `+unsent, k.site, k.id)
		d, err := affected(res, err, "delete unsent attachments")
		if err != nil {
			return 0, err
		}
		n += d
	}
	if err := tx.Commit(); err != nil {
		return 0, mapErr(err, "commit delete unsent attachments", "attachment")
	}
	return n, nil
}

// UnrecordedBlobs returns those of keys that no attachment record names;
// the indexes on blob and thumb (schema 12) serve it.
func (s *Store) UnrecordedBlobs(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT k.value FROM json_each(?) k
		WHERE NOT EXISTS (SELECT 1 FROM attachments WHERE blob = k.value)
			AND NOT EXISTS (SELECT 1 FROM attachments WHERE thumb = k.value)
		ORDER BY k.key`, string(list))
	return collect(rows, err, "find unrecorded files", "attachment", func(r rowScanner) (string, error) {
		var k string
		return k, r.Scan(&k)
	})
}
