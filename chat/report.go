package chat

import (
	"context"
	"time"
)

// ReportQuery selects the conversations of one report: those of Site
// created in [From, To), and only those assigned to AssigneeID when it is
// set. Package report holds the rules of reports.
type ReportQuery struct {
	Site       string
	From, To   time.Time
	AssigneeID string
}

// ReportRow is what a report reads of one conversation: when it was
// created, first answered and resolved (zero for not yet), its rating (0
// for none) and whether it is resolved now.
type ReportRow struct {
	CreatedAt    time.Time
	FirstReplyAt time.Time
	ResolvedAt   time.Time
	Rating       int
	Resolved     bool
}

// FAQSlot is the length of the time slots in which FAQ views and solved
// counts are kept for reports: every time zone's midnight falls on a
// slot's start, so days of any zone are sums of whole slots.
const FAQSlot = 15 * time.Minute

// FAQCounts is how many times a site's FAQ answers were opened and marked
// as solving a question in some time.
type FAQCounts struct {
	Views  int64
	Solved int64
}

// ReportStore reads what reports are made of.
//
// Stores keep ResolvedAt as SetStatus sets it: the time of the change to
// resolved, cleared by a change to any other status. Conversations
// resolved before a store kept it have none.
type ReportStore interface {
	// ReportRows calls fn with each conversation that q selects, oldest
	// first, and stops at fn's first error, which it returns.
	ReportRows(ctx context.Context, q ReportQuery, fn func(ReportRow) error) error
	// FAQCounts sums the FAQ events that CountFAQEvent counted for site in
	// the slots that start in [from, to).
	FAQCounts(ctx context.Context, site string, from, to time.Time) (FAQCounts, error)
}
