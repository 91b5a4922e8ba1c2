package report

import (
	"math"
	"slices"
	"time"

	"github.com/kefu/kefu/chat"
)

// Figures are the figures of a day, or of a whole report.
type Figures struct {
	// Date is the day, 2006-01-02; empty for the whole report.
	Date string `json:"date,omitempty"`
	// Conversations is how many were created.
	Conversations int `json:"conversations"`
	// Answered is how many of them an agent answered (a private note is
	// no answer); Resolved how many are resolved now.
	Answered int `json:"answered"`
	Resolved int `json:"resolved"`
	// Missed is how many nobody answered that were resolved, or have
	// waited MissedAfter or longer.
	Missed int `json:"missed"`
	// FirstResponse is the time from creation to an agent's first answer,
	// of those answered.
	FirstResponse Durations `json:"first_response"`
	// Resolution is the time from creation to resolution, of those
	// resolved now that have a resolution time (the store keeps it since
	// schema 15, and a reopening clears it).
	Resolution Durations `json:"resolution"`
	CSAT       CSAT      `json:"csat"`
	FAQ        FAQ       `json:"faq"`
}

// Durations summarises times by their nearest-rank percentiles: p50 is
// the smallest time that at least half of them do not exceed. Both are
// nil when there are none.
type Durations struct {
	Count      int      `json:"count"`
	P50Seconds *float64 `json:"p50_seconds"`
	P90Seconds *float64 `json:"p90_seconds"`
}

// CSAT is the visitors' ratings (1 to 5) of the conversations.
type CSAT struct {
	// Count is how many conversations were rated.
	Count int `json:"count"`
	// Average is the mean rating; nil when none was rated.
	Average *float64 `json:"average"`
	// Ratings[i] is how many were rated i+1.
	Ratings [5]int `json:"ratings"`
}

// FAQ is how the site's FAQ answers did in the same time: how often a
// visitor opened one, how often one was marked as solving the question,
// and DeflectionRate, Solved divided by Views (nil without views). FAQ
// figures are the site's, also in an agent's report: answers belong to no
// agent.
type FAQ struct {
	Views          int64    `json:"views"`
	Solved         int64    `json:"solved"`
	DeflectionRate *float64 `json:"deflection_rate"`
}

// tally gathers the figures of some conversations.
type tally struct {
	conversations, answered, resolved, missed int
	firstResponse, resolution                 []time.Duration
	ratings                                   [5]int
	faq                                       chat.FAQCounts
}

// add counts row, as seen at now.
func (t *tally) add(row chat.ReportRow, now time.Time) {
	t.conversations++
	if row.Resolved {
		t.resolved++
	}
	if row.FirstReplyAt.IsZero() {
		if row.Resolved || now.Sub(row.CreatedAt) >= MissedAfter {
			t.missed++
		}
	} else {
		t.answered++
		t.firstResponse = append(t.firstResponse, max(0, row.FirstReplyAt.Sub(row.CreatedAt)))
	}
	if row.Resolved && !row.ResolvedAt.IsZero() {
		t.resolution = append(t.resolution, max(0, row.ResolvedAt.Sub(row.CreatedAt)))
	}
	if row.Rating >= 1 && row.Rating <= 5 {
		t.ratings[row.Rating-1]++
	}
}

func (t *tally) figures() Figures {
	f := Figures{
		Conversations: t.conversations, Answered: t.answered, Resolved: t.resolved, Missed: t.missed,
		FirstResponse: durations(t.firstResponse),
		Resolution:    durations(t.resolution),
		CSAT:          CSAT{Ratings: t.ratings},
		FAQ:           FAQ{Views: t.faq.Views, Solved: t.faq.Solved},
	}
	sum := 0
	for i, n := range t.ratings {
		f.CSAT.Count += n
		sum += (i + 1) * n
	}
	if f.CSAT.Count > 0 {
		f.CSAT.Average = ptr(round(float64(sum)/float64(f.CSAT.Count), 2))
	}
	if t.faq.Views > 0 {
		f.FAQ.DeflectionRate = ptr(round(float64(t.faq.Solved)/float64(t.faq.Views), 4))
	}
	return f
}

// durations sorts ds and gives their percentiles.
func durations(ds []time.Duration) Durations {
	d := Durations{Count: len(ds)}
	if len(ds) == 0 {
		return d
	}
	slices.Sort(ds)
	d.P50Seconds = ptr(percentile(ds, 50).Seconds())
	d.P90Seconds = ptr(percentile(ds, 90).Seconds())
	return d
}

// percentile is the nearest-rank p-th percentile of sorted: the value at
// rank ceil(p/100 × n).
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100
	return sorted[max(rank, 1)-1]
}

func round(x float64, places int) float64 {
	m := math.Pow(10, float64(places))
	return math.Round(x*m) / m
}

func ptr[T any](v T) *T { return &v }
