package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// testReportRows: a report reads the site's conversations created in
// [From, To), oldest first, or one assignee's, with when each was first
// answered and resolved (the first resolution, cleared by a reopening)
// and its rating; another site's are never read.
func testReportRows(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	create := func(site, visitor string, at time.Time) *chat.Conversation {
		t.Helper()
		c := &chat.Conversation{Site: site, VisitorID: visitor, CreatedAt: at}
		must(t, s.CreateConversation(ctx, c))
		return c
	}
	reply := func(c *chat.Conversation, at time.Time) {
		t.Helper()
		m := &chat.Message{Site: c.Site, ConversationID: c.ID, ClientID: "r" + at.Format("150405"),
			Author: chat.Author{Type: chat.AuthorAgent, ID: "ag1"}, Text: "hello", CreatedAt: at}
		_, err := s.AppendMessage(ctx, m)
		must(t, err)
	}

	answered := create("acme", "v1", t0.Add(time.Minute))
	reply(answered, t0.Add(3*time.Minute))
	must(t, s.SetAssignee(ctx, "acme", answered.ID, "ag1", t0.Add(3*time.Minute)))
	must(t, s.SetStatus(ctx, "acme", answered.ID, chat.StatusResolved, t0.Add(10*time.Minute)))
	// Resolving again keeps the first resolution.
	must(t, s.SetStatus(ctx, "acme", answered.ID, chat.StatusResolved, t0.Add(20*time.Minute)))
	must(t, s.SetRating(ctx, "acme", answered.ID, 4, "ok"))

	unanswered := create("acme", "v2", t0.Add(time.Hour))
	must(t, s.SetStatus(ctx, "acme", unanswered.ID, chat.StatusResolved, t0.Add(2*time.Hour)))

	// Reopened: no resolution until it is resolved again.
	reopened := create("acme", "v3", t0.Add(2*time.Hour))
	must(t, s.SetAssignee(ctx, "acme", reopened.ID, "ag2", t0.Add(2*time.Hour)))
	must(t, s.SetStatus(ctx, "acme", reopened.ID, chat.StatusResolved, t0.Add(3*time.Hour)))
	must(t, s.SetStatus(ctx, "acme", reopened.ID, chat.StatusOpen, t0.Add(4*time.Hour)))

	again := create("acme", "v4", t0.Add(3*time.Hour))
	must(t, s.SetStatus(ctx, "acme", again.ID, chat.StatusResolved, t0.Add(4*time.Hour)))
	must(t, s.SetStatus(ctx, "acme", again.ID, chat.StatusPending, t0.Add(5*time.Hour)))
	must(t, s.SetStatus(ctx, "acme", again.ID, chat.StatusResolved, t0.Add(6*time.Hour)))

	// Outside: before From, at To, and another site's.
	create("acme", "v5", t0.Add(-time.Millisecond))
	create("acme", "v6", t0.Add(24*time.Hour))
	create("beta", "v1", t0.Add(time.Hour))

	read := func(q chat.ReportQuery) []chat.ReportRow {
		t.Helper()
		var rows []chat.ReportRow
		must(t, s.ReportRows(ctx, q, func(r chat.ReportRow) error {
			rows = append(rows, r)
			return nil
		}))
		return rows
	}
	day := chat.ReportQuery{Site: "acme", From: t0, To: t0.Add(24 * time.Hour)}
	want := []chat.ReportRow{
		{CreatedAt: t0.Add(time.Minute), FirstReplyAt: t0.Add(3 * time.Minute), ResolvedAt: t0.Add(10 * time.Minute), Rating: 4, Resolved: true},
		{CreatedAt: t0.Add(time.Hour), ResolvedAt: t0.Add(2 * time.Hour), Resolved: true},
		{CreatedAt: t0.Add(2 * time.Hour)},
		{CreatedAt: t0.Add(3 * time.Hour), ResolvedAt: t0.Add(6 * time.Hour), Resolved: true},
	}
	if d := diff(read(day), want); d != "" {
		t.Errorf("the day's rows (-want +got):\n%s", d)
	}
	one := day
	one.AssigneeID = "ag1"
	if d := diff(read(one), want[:1]); d != "" {
		t.Errorf("ag1's rows (-want +got):\n%s", d)
	}
	one.AssigneeID = "ag2"
	if d := diff(read(one), want[2:3]); d != "" {
		t.Errorf("ag2's rows (-want +got):\n%s", d)
	}
	if got := read(chat.ReportQuery{Site: "gamma", From: t0, To: t0.Add(24 * time.Hour)}); len(got) != 0 {
		t.Errorf("a site without conversations has rows: %v", got)
	}

	// fn's error stops the reading and is returned.
	stop := errors.New("stop")
	n := 0
	err := s.ReportRows(ctx, day, func(chat.ReportRow) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("fn failing: err %v after %d rows, want stop after 1", err, n)
	}
}

// testFAQCounts: each FAQ event is counted in its site's 15-minute slot
// too, and FAQCounts sums the slots that start in a range; an event of an
// entry that does not exist counts nowhere.
func testFAQCounts(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	t0 := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	for _, site := range []string{"acme", "beta"} {
		must(t, s.SaveFAQ(ctx, &chat.FAQ{ID: "refund", Site: site, Lang: "en", Question: "Refund?", Answer: "Yes.", UpdatedAt: t0}))
	}
	count := func(site string, solved bool, at time.Time) {
		t.Helper()
		must(t, s.CountFAQEvent(ctx, site, "refund", solved, at))
	}
	count("acme", false, t0.Add(time.Minute))
	count("acme", false, t0.Add(14*time.Minute+59*time.Second))
	count("acme", true, t0.Add(16*time.Minute))
	count("acme", false, t0.Add(time.Hour))
	count("beta", false, t0.Add(time.Minute))
	wantCode(t, s.CountFAQEvent(ctx, "acme", "missing", false, t0), chat.CodeNotFound)

	for _, c := range []struct {
		name     string
		from, to time.Time
		want     chat.FAQCounts
	}{
		{"first slot", t0, t0.Add(15 * time.Minute), chat.FAQCounts{Views: 2}},
		{"first hour", t0, t0.Add(time.Hour), chat.FAQCounts{Views: 2, Solved: 1}},
		{"day", t0, t0.Add(24 * time.Hour), chat.FAQCounts{Views: 3, Solved: 1}},
		{"from the second slot", t0.Add(15 * time.Minute), t0.Add(24 * time.Hour), chat.FAQCounts{Views: 1, Solved: 1}},
		{"before", t0.Add(-24 * time.Hour), t0, chat.FAQCounts{}},
	} {
		got, err := s.FAQCounts(ctx, "acme", c.from, c.to)
		must(t, err)
		if got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
	got, err := s.FAQCounts(context.Background(), "beta", t0, t0.Add(time.Hour))
	must(t, err)
	if got != (chat.FAQCounts{Views: 1}) {
		t.Errorf("beta: %+v, want 1 view", got)
	}
}
