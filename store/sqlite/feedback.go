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

const feedbackColumns = `id, site, visitor_id, category, text, email, lang, page_url, created_at`

func scanFeedback(r rowScanner) (chat.Feedback, error) {
	var (
		f       chat.Feedback
		created int64
	)
	err := r.Scan(&f.ID, &f.Site, &f.VisitorID, &f.Category, &f.Text, &f.Email, &f.Lang, &f.PageURL, &created)
	f.CreatedAt = fromMillis(created)
	return f, err
}

// CreateFeedback stores a visitor's feedback, giving it an id if it has
// none. It fails with chat.CodeConflict when the id is taken.
func (s *Store) CreateFeedback(ctx context.Context, f *chat.Feedback) error {
	if f.Site == "" {
		return chat.Invalid("feedback needs a site")
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.w.ExecContext(ctx, `INSERT INTO feedback (`+feedbackColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		f.ID, f.Site, f.VisitorID, f.Category, f.Text, f.Email, f.Lang, f.PageURL, millis(f.CreatedAt))
	return mapErr(err, "insert feedback", "feedback")
}

// ListFeedback returns a site's newest feedback first, up to f.Limit (50
// when not positive, at most 500), before the cursor if f has one.
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
	ctx, cancel := s.op(ctx)
	defer cancel()
	rows, err := s.query(ctx, `SELECT `+feedbackColumns+` FROM feedback
		WHERE site = ? AND (created_at, id) < (?, ?)
		ORDER BY created_at DESC, id DESC LIMIT ?`, f.Site, before, beforeID, limit)
	return collect(rows, err, "list feedback", "feedback", scanFeedback)
}
