package sqlite

import (
	"context"
	"math"

	"github.com/kefu/kefu/chat"
)

// Bounds of ListFeedback.
const (
	defaultFeedbackPage = 50
	maxFeedbackPage     = 500
)

const feedbackColumns = `id, site, visitor_id, category, text, email, lang, page_url, created_at,
	status, note, updated_by, updated_by_name, updated_at`

func scanFeedback(r rowScanner) (chat.Feedback, error) {
	var (
		f                chat.Feedback
		created, updated int64
	)
	err := r.Scan(&f.ID, &f.Site, &f.VisitorID, &f.Category, &f.Text, &f.Email, &f.Lang, &f.PageURL, &created,
		&f.Status, &f.Note, &f.UpdatedBy, &f.UpdatedByName, &updated)
	f.CreatedAt, f.UpdatedAt = fromMillis(created), fromMillis(updated)
	return f, err
}

// CreateFeedback stores a visitor's feedback, giving it an id if it has
// none, and the status new if it has none. It fails with
// chat.CodeConflict when the id is taken.
func (s *Store) CreateFeedback(ctx context.Context, f *chat.Feedback) error {
	if f.Site == "" {
		return chat.Invalid("feedback needs a site")
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	if f.Status == "" {
		f.Status = chat.FeedbackNew
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `INSERT INTO feedback (`+feedbackColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Site, f.VisitorID, f.Category, f.Text, f.Email, f.Lang, f.PageURL, millis(f.CreatedAt),
		f.Status, f.Note, f.UpdatedBy, f.UpdatedByName, millis(f.UpdatedAt))
	return mapErr(err, "insert feedback", "feedback")
}

// Feedback returns feedback id of site.
func (s *Store) Feedback(ctx context.Context, site, id string) (*chat.Feedback, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	f, err := scanFeedback(s.queryRow(ctx, `SELECT `+feedbackColumns+` FROM feedback WHERE id = ? AND site = ?`, id, site))
	if err != nil {
		return nil, mapErr(err, "find feedback", "feedback")
	}
	return &f, nil
}

// ListFeedback returns a site's newest feedback first, up to f.Limit (50
// when not positive, at most 500), before the cursor if f has one, of
// f.Status and f.Category if set.
func (s *Store) ListFeedback(ctx context.Context, f chat.FeedbackFilter) ([]chat.Feedback, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultFeedbackPage
	}
	limit = min(limit, maxFeedbackPage)
	before, beforeID := int64(math.MaxInt64), ""
	if !f.Before.IsZero() {
		before, beforeID = millis(f.Before), f.BeforeID
	}
	// One of four fixed queries, so that each is prepared once and uses
	// its index.
	where, args := `site = ?`, []any{f.Site}
	if f.Status != "" {
		where, args = where+` AND status = ?`, append(args, f.Status)
	}
	if f.Category != "" {
		where, args = where+` AND category = ?`, append(args, f.Category)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+feedbackColumns+` FROM feedback
		WHERE `+where+` AND (created_at, id) < (?, ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`, append(args, before, beforeID, limit)...)
	return collect(rows, err, "list feedback", "feedback", scanFeedback)
}

// UpdateFeedback applies u to feedback id of site in one statement and
// returns the row it wrote.
func (s *Store) UpdateFeedback(ctx context.Context, site, id string, u chat.FeedbackUpdate) (*chat.Feedback, error) {
	setNote, note := 0, ""
	if u.Note != nil {
		setNote, note = 1, *u.Note
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	f, err := scanFeedback(s.w.QueryRowContext(ctx, `UPDATE feedback
		SET status = CASE WHEN ? = '' THEN status ELSE ? END,
			note = CASE WHEN ? THEN ? ELSE note END,
			updated_by = ?, updated_by_name = ?, updated_at = ?
		WHERE id = ? AND site = ?
		RETURNING `+feedbackColumns,
		u.Status, u.Status, setNote, note, u.By, u.ByName, millis(u.At), id, site))
	if err != nil {
		return nil, mapErr(err, "update feedback", "feedback")
	}
	return &f, nil
}
