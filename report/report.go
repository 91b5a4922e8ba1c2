// Package report holds the rules of the inbox's reports: for a range of
// days of a site (or of one agent), how many conversations came each day,
// how fast they were answered and resolved, how visitors rated them, how
// many were missed, and how often the FAQ answered a question instead.
//
// Days are the site's: midnight to midnight in its business hours' time
// zone, or UTC when it names none. Every conversation figure is about the
// conversations created in the range (a cohort), so that one reading of
// the store, in creation order, makes every figure of every day.
package report

import (
	"cmp"
	"context"
	"fmt"
	"time"

	"github.com/kefu/kefu/chat"
)

// Bounds and rules of a report.
const (
	// MaxDays is the longest range a report covers.
	MaxDays = 366
	// DefaultDays is the range when none is given: the last week, today
	// included.
	DefaultDays = 7
	// MissedAfter is how long a conversation that nobody answered may wait
	// before it counts as missed, unless it was resolved sooner.
	MissedAfter = 30 * time.Minute
	// dateLayout is how a day is written in queries and answers.
	dateLayout = time.DateOnly
)

// Store is what reports read: the conversations and FAQ counts, and the
// site, for its time zone.
type Store interface {
	chat.ReportStore
	Site(ctx context.Context, key string) (*chat.Site, error)
}

// Service makes reports.
type Service struct {
	store Store
	now   func() time.Time
}

// New returns a Service. now may be nil for time.Now.
func New(store Store, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{store: store, now: now}
}

// Query asks for a report.
type Query struct {
	// From and To are the first and the last day, as 2006-01-02 in the
	// site's time zone. Without them, the report covers the last Days
	// days, today included (DefaultDays when 0).
	From, To string
	Days     int
	// Agent is the id of the agent whose conversations (by assignee) the
	// report covers; empty for all of the site's.
	Agent string
}

// Report is a site's figures over a range of days.
type Report struct {
	Site     string `json:"site"`
	Timezone string `json:"timezone"`
	From     string `json:"from"`
	To       string `json:"to"`
	Agent    string `json:"agent,omitempty"`
	// MissedAfterMinutes is MissedAfter, said with the figures it shaped.
	MissedAfterMinutes int `json:"missed_after_minutes"`
	// Total is the whole range; Days each day of it, in order.
	Total Figures   `json:"total"`
	Days  []Figures `json:"days"`
}

// Report makes the report that q asks for, of the actor's site. Agents
// see their own figures only; admins and owners see the site's, or any
// agent's.
func (s *Service) Report(ctx context.Context, a chat.Actor, q Query) (*Report, error) {
	if err := a.Require(chat.RoleAgent); err != nil {
		return nil, err
	}
	switch {
	case q.Agent != "" && !chat.ValidKey(q.Agent):
		return nil, chat.Invalid("agent must be an agent's id")
	case !a.Agent.Role.AtLeast(chat.RoleAdmin) && q.Agent == "":
		q.Agent = a.Agent.ID
	case !a.Agent.Role.AtLeast(chat.RoleAdmin) && q.Agent != a.Agent.ID:
		return nil, chat.Errorf(chat.CodeForbidden, "agents see their own reports only; this needs the admin role or higher")
	}
	site, err := s.store.Site(ctx, a.Site)
	if err != nil {
		return nil, fmt.Errorf("report: read site: %w", err)
	}
	loc, zone := location(site.Widget.BusinessHours.Timezone)
	days, err := s.days(q, loc)
	if err != nil {
		return nil, err
	}
	r := &Report{
		Site: a.Site, Timezone: zone, Agent: q.Agent,
		From: days[0].Format(dateLayout), To: days[len(days)-2].Format(dateLayout),
		MissedAfterMinutes: int(MissedAfter / time.Minute),
	}
	if err := s.fill(ctx, r, a.Site, q.Agent, days); err != nil {
		return nil, err
	}
	return r, nil
}

// fill reads the conversations and FAQ counts of the days that start at
// days[i] (the last entry ends the range) into r.
func (s *Service) fill(ctx context.Context, r *Report, site, agent string, days []time.Time) error {
	n := len(days) - 1
	acc := make([]tally, n)
	var total tally
	now := s.now()
	day := 0
	q := chat.ReportQuery{Site: site, From: days[0], To: days[n], AssigneeID: agent}
	err := s.store.ReportRows(ctx, q, func(row chat.ReportRow) error {
		for day < n-1 && !row.CreatedAt.Before(days[day+1]) {
			day++
		}
		acc[day].add(row, now)
		total.add(row, now)
		return nil
	})
	if err != nil {
		return fmt.Errorf("report: read conversations: %w", err)
	}
	r.Days = make([]Figures, n)
	for i := range n {
		faq, err := s.store.FAQCounts(ctx, site, days[i], days[i+1])
		if err != nil {
			return fmt.Errorf("report: read faq counts: %w", err)
		}
		total.faq.Views += faq.Views
		total.faq.Solved += faq.Solved
		acc[i].faq = faq
		r.Days[i] = acc[i].figures()
		r.Days[i].Date = days[i].Format(dateLayout)
	}
	r.Total = total.figures()
	return nil
}

// days returns the starts of the days that q asks for, and the end of the
// last: len(days)-1 days.
func (s *Service) days(q Query, loc *time.Location) ([]time.Time, error) {
	var first, last time.Time
	switch {
	case q.Days < 0 || q.Days > MaxDays:
		return nil, chat.Invalid("days must be 1 to %d", MaxDays)
	case q.Days > 0 && (q.From != "" || q.To != ""):
		return nil, chat.Invalid("give days, or from and to, not both")
	case q.From == "" && q.To == "":
		n := cmp.Or(q.Days, DefaultDays)
		today := s.now().In(loc)
		last = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, loc)
		first = time.Date(today.Year(), today.Month(), today.Day()+1-n, 0, 0, 0, 0, loc)
	case q.From == "" || q.To == "":
		return nil, chat.Invalid("give both from and to, or neither")
	default:
		var err error
		if first, err = time.ParseInLocation(dateLayout, q.From, loc); err != nil {
			return nil, chat.Invalid("from must be a date such as 2026-03-01")
		}
		if last, err = time.ParseInLocation(dateLayout, q.To, loc); err != nil {
			return nil, chat.Invalid("to must be a date such as 2026-03-07")
		}
	}
	if last.Before(first) {
		return nil, chat.Invalid("to must not be before from")
	}
	var days []time.Time
	for d := first; !d.After(last); d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc) {
		if len(days) == MaxDays {
			return nil, chat.Invalid("a report covers at most %d days", MaxDays)
		}
		days = append(days, d)
	}
	return append(days, time.Date(last.Year(), last.Month(), last.Day()+1, 0, 0, 0, 0, loc)), nil
}

// location returns the time zone of a site's days and its name: the
// business hours' zone, or UTC for none (or one this system does not
// know, as business hours treat it).
func location(name string) (*time.Location, string) {
	if name != "" {
		if l, err := time.LoadLocation(name); err == nil {
			return l, name
		}
	}
	return time.UTC, "UTC"
}
