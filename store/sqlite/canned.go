package sqlite

import (
	"context"

	"github.com/kefu/kefu/chat"
)

const cannedColumns = `site, id, shortcut, lang, text, created_by, created_at, updated_by, updated_by_name, updated_at`

func scanCanned(r rowScanner) (chat.Canned, error) {
	var (
		c                chat.Canned
		created, updated int64
	)
	err := r.Scan(&c.Site, &c.ID, &c.Shortcut, &c.Lang, &c.Text, &c.CreatedBy, &created, &c.UpdatedBy, &c.UpdatedByName, &updated)
	c.CreatedAt, c.UpdatedAt = fromMillis(created), fromMillis(updated)
	return c, err
}

// CreateCanned stores a new canned reply, giving it an id if it has none.
func (s *Store) CreateCanned(ctx context.Context, c *chat.Canned) error {
	if c.Site == "" || c.Shortcut == "" {
		return chat.Invalid("a canned reply needs a site and a shortcut")
	}
	if c.ID == "" {
		c.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `INSERT INTO canned (`+cannedColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.Site, c.ID, c.Shortcut, c.Lang, c.Text, c.CreatedBy, millis(c.CreatedAt), c.UpdatedBy, c.UpdatedByName, millis(c.UpdatedAt))
	return mapErr(err, "insert canned reply", "canned reply")
}

// Canned returns one of site's canned replies.
func (s *Store) Canned(ctx context.Context, site, id string) (*chat.Canned, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	c, err := scanCanned(s.queryRow(ctx, `SELECT `+cannedColumns+` FROM canned WHERE site = ? AND id = ?`, site, id))
	if err != nil {
		return nil, mapErr(err, "find canned reply", "canned reply")
	}
	return &c, nil
}

// ListCanned returns up to limit of site's canned replies, by shortcut,
// language and id.
func (s *Store) ListCanned(ctx context.Context, site string, limit int) ([]chat.Canned, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+cannedColumns+` FROM canned WHERE site = ? ORDER BY shortcut, lang, id LIMIT ?`, site, max(limit, 0))
	return collect(rows, err, "list canned replies", "canned reply", scanCanned)
}

// CountCanned returns how many canned replies site has.
func (s *Store) CountCanned(ctx context.Context, site string) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var n int
	if err := s.queryRow(ctx, `SELECT count(*) FROM canned WHERE site = ?`, site).Scan(&n); err != nil {
		return 0, mapErr(err, "count canned replies", "canned reply")
	}
	return n, nil
}

// UpdateCanned replaces what an edit changes in reply c.ID of c.Site.
func (s *Store) UpdateCanned(ctx context.Context, c *chat.Canned) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `UPDATE canned SET shortcut = ?, lang = ?, text = ?, updated_by = ?, updated_by_name = ?, updated_at = ?
		WHERE site = ? AND id = ?`,
		c.Shortcut, c.Lang, c.Text, c.UpdatedBy, c.UpdatedByName, millis(c.UpdatedAt), c.Site, c.ID)
	return updated(res, err, "update canned reply", "canned reply")
}

// DeleteCanned deletes one of site's canned replies.
func (s *Store) DeleteCanned(ctx context.Context, site, id string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `DELETE FROM canned WHERE site = ? AND id = ?`, site, id)
	return updated(res, err, "delete canned reply", "canned reply")
}
