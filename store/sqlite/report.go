package sqlite

import (
	"context"
	"time"

	"github.com/kefu/kefu/chat"
)

// The report's queries read only the columns of conversations_report (or
// conversations_report_assignee, for one agent), which hold them all: an
// index range scan, no table rows.
const (
	reportRowsQuery = `SELECT created_at, first_reply_at, resolved_at, rating, status = 'resolved'
		FROM conversations INDEXED BY conversations_report
		WHERE site = ? AND created_at >= ? AND created_at < ? ORDER BY created_at`
	reportRowsAssigneeQuery = `SELECT created_at, first_reply_at, resolved_at, rating, status = 'resolved'
		FROM conversations INDEXED BY conversations_report_assignee
		WHERE site = ? AND assignee_id = ? AND created_at >= ? AND created_at < ? ORDER BY created_at`
)

// ReportRows calls fn with each conversation that q selects, oldest first.
func (s *Store) ReportRows(ctx context.Context, q chat.ReportQuery, fn func(chat.ReportRow) error) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	query, args := reportRowsQuery, []any{q.Site, millis(q.From), millis(q.To)}
	if q.AssigneeID != "" {
		query, args = reportRowsAssigneeQuery, []any{q.Site, q.AssigneeID, millis(q.From), millis(q.To)}
	}
	rows, err := s.query(ctx, query, args...)
	if err != nil {
		return mapErr(err, "read report", "conversation")
	}
	defer rows.Close()
	for rows.Next() {
		var (
			r                      chat.ReportRow
			created, reply, solved int64
		)
		if err := rows.Scan(&created, &reply, &solved, &r.Rating, &r.Resolved); err != nil {
			return mapErr(err, "read report row", "conversation")
		}
		r.CreatedAt, r.FirstReplyAt, r.ResolvedAt = fromMillis(created), fromMillis(reply), fromMillis(solved)
		if err := fn(r); err != nil {
			return err
		}
	}
	return mapErr(rows.Err(), "read report", "conversation")
}

// FAQCounts sums site's FAQ events in the slots that start in [from, to).
func (s *Store) FAQCounts(ctx context.Context, site string, from, to time.Time) (chat.FAQCounts, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var n chat.FAQCounts
	err := s.queryRow(ctx, `SELECT coalesce(sum(views), 0), coalesce(sum(solved), 0) FROM faq_counts
		WHERE site = ? AND slot >= ? AND slot < ?`, site, millis(from), millis(to)).Scan(&n.Views, &n.Solved)
	return n, mapErr(err, "sum faq events", "FAQ entry")
}
