package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/report"
	"github.com/kefu/kefu/store/sqlite"
)

// shanghai is UTC+8 all year: a local midnight is 16:00 UTC the day
// before.
var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	l, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return l
}

// local is a time of March 2026 in Shanghai.
func local(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, shanghai) }

type fixture struct {
	st  *sqlite.Store
	svc *report.Service
	ctx context.Context
	n   int
}

// newFixture opens a store with site acme (in Shanghai's zone) and site
// beta, and a service whose clock reads now.
func newFixture(t *testing.T, now time.Time) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	f := &fixture{st: st, svc: report.New(st, func() time.Time { return now }), ctx: context.Background()}
	for _, s := range []*chat.Site{
		{Key: "acme", Name: "Acme", Widget: chat.WidgetSettings{BusinessHours: chat.BusinessHours{Timezone: "Asia/Shanghai"}}},
		{Key: "beta", Name: "Beta"},
	} {
		if err := st.CreateSite(f.ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

// conv is one seeded conversation: created at, answered after reply
// (0: never), resolved after resolve (0: open), assigned to agent, rated.
type conv struct {
	site           string
	at             time.Time
	reply, resolve time.Duration
	agent          string
	rating         int
}

func (f *fixture) seed(t *testing.T, cs ...conv) {
	t.Helper()
	for _, c := range cs {
		f.n++
		cv := &chat.Conversation{Site: c.site, VisitorID: fmt.Sprintf("v%d", f.n), CreatedAt: c.at}
		must(t, f.st.CreateConversation(f.ctx, cv))
		if c.agent != "" {
			must(t, f.st.SetAssignee(f.ctx, c.site, cv.ID, c.agent, c.at))
		}
		if c.reply > 0 {
			m := &chat.Message{Site: c.site, ConversationID: cv.ID, ClientID: "r", Author: chat.Author{Type: chat.AuthorAgent, ID: "a"},
				Text: "hi", CreatedAt: c.at.Add(c.reply)}
			_, err := f.st.AppendMessage(f.ctx, m)
			must(t, err)
		}
		if c.resolve > 0 {
			must(t, f.st.SetStatus(f.ctx, c.site, cv.ID, chat.StatusResolved, c.at.Add(c.resolve)))
		}
		if c.rating > 0 {
			must(t, f.st.SetRating(f.ctx, c.site, cv.ID, c.rating, ""))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func actor(role chat.Role, id string) chat.Actor {
	return chat.Actor{Site: "acme", Agent: &chat.Agent{ID: id, Role: role, Sites: []string{"acme"}}}
}

func seconds(p *float64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

// TestReport checks a report of two Shanghai days against figures worked
// out by hand: day boundaries at local midnight, nearest-rank
// percentiles, missed conversations, ratings, FAQ counts, and an agent's
// own report.
func TestReport(t *testing.T) {
	now := local(3, 12, 0)
	f := newFixture(t, now)
	f.seed(t,
		// 1 March: 23:50 local is 15:50 UTC, still 1 March here.
		conv{site: "acme", at: local(1, 9, 0), reply: 30 * time.Second, resolve: 10 * time.Minute, agent: "wang", rating: 5},
		conv{site: "acme", at: local(1, 10, 0), reply: 2 * time.Minute, resolve: time.Hour, agent: "li", rating: 3},
		conv{site: "acme", at: local(1, 23, 50), reply: 90 * time.Second, agent: "wang", rating: 4},
		conv{site: "acme", at: local(1, 11, 0), resolve: 5 * time.Minute}, // missed: resolved unanswered
		// 2 March: 00:10 local is 16:10 UTC on 1 March.
		conv{site: "acme", at: local(2, 0, 10), reply: 10 * time.Minute, resolve: 2 * time.Hour, agent: "wang", rating: 1},
		conv{site: "acme", at: local(2, 15, 0)}, // missed: waited 21 hours
		// Outside: the day before, the day after, another site.
		conv{site: "acme", at: local(1, 0, 0).Add(-time.Minute), reply: time.Second},
		conv{site: "acme", at: local(3, 0, 0)},
		conv{site: "acme", at: now.Add(-40 * time.Minute)},
		conv{site: "acme", at: now.Add(-10 * time.Minute)}, // not missed yet
		conv{site: "beta", at: local(1, 12, 0), reply: time.Hour, rating: 2},
	)
	must(t, f.st.SaveFAQ(f.ctx, &chat.FAQ{ID: "refund", Site: "acme", Lang: "en", Question: "Refund?", Answer: "Yes.", UpdatedAt: now}))
	for _, e := range []struct {
		at     time.Time
		solved bool
	}{
		{local(1, 9, 0), false}, {local(1, 9, 1), true}, {local(2, 8, 0), false}, {local(2, 8, 0), false},
		{local(2, 23, 59), false}, {local(3, 0, 0), false},
	} {
		must(t, f.st.CountFAQEvent(f.ctx, "acme", "refund", e.solved, e.at))
	}

	r, err := f.svc.Report(f.ctx, actor(chat.RoleAdmin, "boss"), report.Query{From: "2026-03-01", To: "2026-03-02"})
	must(t, err)
	if r.Timezone != "Asia/Shanghai" || r.From != "2026-03-01" || r.To != "2026-03-02" || len(r.Days) != 2 {
		t.Fatalf("report of %s to %s in %s with %d days", r.From, r.To, r.Timezone, len(r.Days))
	}
	d1, d2, tot := r.Days[0], r.Days[1], r.Total
	check := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("dates", d1.Date+" "+d2.Date, "2026-03-01 2026-03-02")
	check("conversations", []int{d1.Conversations, d2.Conversations, tot.Conversations}, []int{4, 2, 6})
	check("answered", []int{d1.Answered, d2.Answered, tot.Answered}, []int{3, 1, 4})
	check("resolved", []int{d1.Resolved, d2.Resolved, tot.Resolved}, []int{3, 1, 4})
	check("missed", []int{d1.Missed, d2.Missed, tot.Missed}, []int{1, 1, 2})
	// First responses 30 s, 90 s, 120 s, 600 s: p50 is rank 2, p90 rank 4.
	check("first response", []string{seconds(tot.FirstResponse.P50Seconds), seconds(tot.FirstResponse.P90Seconds)}, []string{"90", "600"})
	check("day 1 first response", []string{seconds(d1.FirstResponse.P50Seconds), seconds(d1.FirstResponse.P90Seconds)}, []string{"90", "120"})
	// Resolutions 300 s, 600 s, 3600 s, 7200 s.
	check("resolution", []string{seconds(tot.Resolution.P50Seconds), seconds(tot.Resolution.P90Seconds)}, []string{"600", "7200"})
	check("ratings", tot.CSAT.Ratings, [5]int{1, 0, 1, 1, 1})
	check("csat average", seconds(tot.CSAT.Average), "3.25") // 13 / 4
	check("day 2 csat", seconds(d2.CSAT.Average), "1")
	// FAQ: 1 March 1 view 1 solved; 2 March 3 views (23:59 included,
	// 3 March's midnight not).
	check("faq", []int64{d1.FAQ.Views, d1.FAQ.Solved, d2.FAQ.Views, tot.FAQ.Views, tot.FAQ.Solved}, []int64{1, 1, 3, 4, 1})
	check("deflection", seconds(tot.FAQ.DeflectionRate), "0.25")
	check("no deflection without views", seconds(report.Figures{}.FAQ.DeflectionRate), "none")

	// 3 March, today: 00:00 and 11:20 waited over 30 minutes unanswered,
	// 11:50 did not yet.
	today, err := f.svc.Report(f.ctx, actor(chat.RoleAdmin, "boss"), report.Query{From: "2026-03-03", To: "2026-03-03"})
	must(t, err)
	check("today", []int{today.Total.Conversations, today.Total.Missed}, []int{3, 2})

	// An agent's report: by assignee. Wang has 1 March's 9:00 and 23:50
	// and 2 March's 0:10.
	for _, a := range []chat.Actor{actor(chat.RoleAgent, "wang"), actor(chat.RoleOwner, "boss")} {
		q := report.Query{From: "2026-03-01", To: "2026-03-02", Agent: "wang"}
		if a.Agent.Role == chat.RoleAgent {
			q.Agent = "" // an agent's own, unasked
		}
		r, err := f.svc.Report(f.ctx, a, q)
		must(t, err)
		check(string(a.Agent.Role)+" sees wang's", []int{r.Days[0].Conversations, r.Days[1].Conversations, r.Total.Answered, r.Total.CSAT.Count}, []int{2, 1, 3, 3})
		check("agent", r.Agent, "wang")
		check("faq stays the site's", r.Total.FAQ.Views, 4)
	}
}

// TestReportDefaultsAndRefusals: no dates is the last seven days, today
// included; bad ranges are invalid; an agent asking for another agent's
// report is forbidden.
func TestReportDefaultsAndRefusals(t *testing.T) {
	f := newFixture(t, local(10, 1, 0)) // 9 March 17:00 UTC, 10 March here
	r, err := f.svc.Report(f.ctx, actor(chat.RoleAdmin, "boss"), report.Query{})
	must(t, err)
	if r.From != "2026-03-04" || r.To != "2026-03-10" || len(r.Days) != 7 {
		t.Errorf("default range %s to %s, %d days; want 2026-03-04 to 2026-03-10", r.From, r.To, len(r.Days))
	}
	r, err = f.svc.Report(f.ctx, actor(chat.RoleAdmin, "boss"), report.Query{Days: 30})
	must(t, err)
	if r.From != "2026-02-09" || r.To != "2026-03-10" || len(r.Days) != 30 {
		t.Errorf("30 days: %s to %s, %d days; want 2026-02-09 to 2026-03-10", r.From, r.To, len(r.Days))
	}
	// A UTC site: its own today.
	beta := actor(chat.RoleAdmin, "boss")
	beta.Site = "beta"
	r, err = f.svc.Report(f.ctx, beta, report.Query{})
	must(t, err)
	if r.Timezone != "UTC" || r.To != "2026-03-09" {
		t.Errorf("beta's default ends %s in %s, want 2026-03-09 in UTC", r.To, r.Timezone)
	}

	for _, tt := range []struct {
		name string
		a    chat.Actor
		q    report.Query
		code chat.Code
	}{
		{"from alone", actor(chat.RoleAdmin, "b"), report.Query{From: "2026-03-01"}, chat.CodeInvalid},
		{"bad date", actor(chat.RoleAdmin, "b"), report.Query{From: "2026-3-1", To: "2026-03-02"}, chat.CodeInvalid},
		{"no such day", actor(chat.RoleAdmin, "b"), report.Query{From: "2026-02-30", To: "2026-03-02"}, chat.CodeInvalid},
		{"backwards", actor(chat.RoleAdmin, "b"), report.Query{From: "2026-03-02", To: "2026-03-01"}, chat.CodeInvalid},
		{"a year and a day", actor(chat.RoleAdmin, "b"), report.Query{From: "2025-01-01", To: "2026-01-02"}, chat.CodeInvalid},
		{"days and dates", actor(chat.RoleAdmin, "b"), report.Query{Days: 7, From: "2026-03-01", To: "2026-03-02"}, chat.CodeInvalid},
		{"too many days", actor(chat.RoleAdmin, "b"), report.Query{Days: report.MaxDays + 1}, chat.CodeInvalid},
		{"bad agent id", actor(chat.RoleAdmin, "b"), report.Query{Agent: "a b"}, chat.CodeInvalid},
		{"another agent's", actor(chat.RoleAgent, "wang"), report.Query{Agent: "li"}, chat.CodeForbidden},
		{"no agent", chat.Actor{Site: "acme"}, report.Query{}, chat.CodeForbidden},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := f.svc.Report(f.ctx, tt.a, tt.q); chat.ErrorCode(err) != tt.code {
				t.Errorf("err %v, want code %s", err, tt.code)
			}
		})
	}
	// The longest range is allowed.
	if _, err := f.svc.Report(f.ctx, actor(chat.RoleAdmin, "b"), report.Query{From: "2025-01-01", To: "2026-01-01"}); err != nil {
		t.Errorf("366 days: %v", err)
	}
}

// TestReportCSV: one row per day and a total, with the header's columns,
// and empty cells for figures without a value.
func TestReportCSV(t *testing.T) {
	f := newFixture(t, local(5, 0, 0))
	f.seed(t, conv{site: "acme", at: local(1, 9, 0), reply: 45 * time.Second, rating: 5})
	r, err := f.svc.Report(f.ctx, actor(chat.RoleOwner, "boss"), report.Query{From: "2026-03-01", To: "2026-03-02"})
	must(t, err)
	var buf bytes.Buffer
	must(t, r.WriteCSV(&buf))
	rows, err := csv.NewReader(&buf).ReadAll()
	must(t, err)
	if len(rows) != 4 {
		t.Fatalf("%d rows, want header, 2 days, total:\n%v", len(rows), rows)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, c := range []struct{ row, col, want string }{
		{"2026-03-01", "conversations", "1"},
		{"2026-03-01", "first_response_p50_s", "45"},
		{"2026-03-01", "csat_5", "1"},
		{"2026-03-01", "csat_average", "5"},
		{"2026-03-02", "conversations", "0"},
		{"2026-03-02", "first_response_p50_s", ""},
		{"total", "conversations", "1"},
		{"total", "deflection_rate", ""},
	} {
		for _, row := range rows[1:] {
			if row[0] == c.row && row[col[c.col]] != c.want {
				t.Errorf("%s %s = %q, want %q", c.row, c.col, row[col[c.col]], c.want)
			}
		}
	}
}
