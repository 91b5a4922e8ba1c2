package sqlite

import (
	"context"

	"github.com/kefu/kefu/chat"
)

const visitorColumns = `id, site, user_id, verified, name, email, attributes, created_at, last_seen_at, profile_verified`

func scanVisitor(r rowScanner) (chat.Visitor, error) {
	var (
		v           chat.Visitor
		attrs       string
		created, ls int64
	)
	if err := r.Scan(&v.ID, &v.Site, &v.UserID, &v.Verified, &v.Name, &v.Email, &attrs, &created, &ls, &v.ProfileVerified); err != nil {
		return v, err
	}
	v.CreatedAt, v.LastSeenAt = fromMillis(created), fromMillis(ls)
	return v, fromJSON(attrs, &v.Attributes)
}

func (s *Store) findVisitor(ctx context.Context, op, where string, args ...any) (*chat.Visitor, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	v, err := scanVisitor(s.queryRow(ctx, `SELECT `+visitorColumns+` FROM visitors WHERE `+where, args...))
	if err != nil {
		return nil, mapErr(err, op, "visitor")
	}
	return &v, nil
}

// Visitor returns the visitor id of site.
func (s *Store) Visitor(ctx context.Context, site, id string) (*chat.Visitor, error) {
	return s.findVisitor(ctx, "find visitor", `id = ? AND site = ?`, id, site)
}

// VisitorByUserID finds the visitor that site verified as userID.
func (s *Store) VisitorByUserID(ctx context.Context, site, userID string) (*chat.Visitor, error) {
	if userID == "" {
		return nil, chat.NotFound("visitor")
	}
	// The last term lets SQLite use the partial index, which holds only
	// verified visitors.
	return s.findVisitor(ctx, "find visitor by user id", `site = ? AND user_id = ? AND user_id <> ''`, site, userID)
}

// CreateVisitor stores a new visitor, giving it an id if it has none. It
// fails with chat.CodeConflict when the id, or the site's user id, is
// taken.
func (s *Store) CreateVisitor(ctx context.Context, v *chat.Visitor) error {
	if v.Site == "" {
		return chat.Invalid("visitor site is required")
	}
	attrs, err := toJSON(v.Attributes)
	if err != nil {
		return err
	}
	if v.ID == "" {
		v.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err = s.w.ExecContext(ctx, `INSERT INTO visitors (`+visitorColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		v.ID, v.Site, v.UserID, bit(v.Verified), v.Name, v.Email, attrs, millis(v.CreatedAt), millis(v.LastSeenAt), bit(v.ProfileVerified))
	return mapErr(err, "insert visitor", "visitor")
}

// UpdateVisitor replaces everything of the visitor but its id, site and
// CreatedAt. It fails with chat.CodeConflict when the new user id is taken.
func (s *Store) UpdateVisitor(ctx context.Context, v *chat.Visitor) error {
	attrs, err := toJSON(v.Attributes)
	if err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin update visitor", "visitor")
	}
	defer tx.Rollback()
	var was [3]string
	err = tx.QueryRowContext(ctx, `SELECT name, email, user_id FROM visitors WHERE id = ? AND site = ?`, v.ID, v.Site).Scan(&was[0], &was[1], &was[2])
	if err != nil {
		return mapErr(err, "update visitor", "visitor")
	}
	res, err := tx.ExecContext(ctx, `UPDATE visitors
		SET user_id = ?, verified = ?, name = ?, email = ?, attributes = ?, last_seen_at = ?, profile_verified = ?
		WHERE id = ? AND site = ?`,
		v.UserID, bit(v.Verified), v.Name, v.Email, attrs, millis(v.LastSeenAt), bit(v.ProfileVerified), v.ID, v.Site)
	if err := updated(res, err, "update visitor", "visitor"); err != nil {
		return err
	}
	// A new name, email or user id is found from then on; the old ones
	// stay findable too.
	if was != [3]string{v.Name, v.Email, v.UserID} {
		if err := indexWho(ctx, tx, v.Site, v.ID, ""); err != nil {
			return err
		}
	}
	return mapErr(tx.Commit(), "commit update visitor", "visitor")
}

// maxVisitorsPage bounds one ListVisitors call.
const maxVisitorsPage = 1000

// ListVisitors returns up to limit of site's visitors with ids after
// afterID, in id order.
func (s *Store) ListVisitors(ctx context.Context, site, afterID string, limit int) ([]chat.Visitor, error) {
	if limit <= 0 || limit > maxVisitorsPage {
		limit = maxVisitorsPage
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+visitorColumns+` FROM visitors
		WHERE site = ? AND id > ? ORDER BY id LIMIT ?`, site, afterID, limit)
	return collect(rows, err, "list visitors", "visitor", scanVisitor)
}
