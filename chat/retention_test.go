package chat

import (
	"context"
	"errors"
	"testing"
	"time"
)

// fakeRetention records retention calls; it holds no data, only counts,
// so it stands in for the purge logic alone (the stores' deletes are in
// their contract suite).
type fakeRetention struct {
	left        map[string]int // what each kind still has to delete
	cutoffs     map[string]time.Time
	calls       map[string]int
	failVisitor bool
}

func (f *fakeRetention) take(kind string, t time.Time, limit int) (int, error) {
	f.calls[kind]++
	f.cutoffs[kind] = t
	n := min(f.left[kind], limit)
	f.left[kind] -= n
	return n, nil
}

func (f *fakeRetention) DeleteExpiredTokens(_ context.Context, t time.Time) (int, error) {
	return f.take("tokens", t, 1<<30)
}

func (f *fakeRetention) DeleteIdleVisitors(_ context.Context, t time.Time, limit int) (int, error) {
	if f.failVisitor {
		return 0, errors.New("disk full")
	}
	return f.take("visitors", t, limit)
}

func (f *fakeRetention) DeleteResolvedConversations(_ context.Context, t time.Time, limit int) (int, []string, error) {
	n, err := f.take("conversations", t, limit)
	return n, nil, err
}

func newFake(tokens, visitors, convs int) *fakeRetention {
	return &fakeRetention{
		left:    map[string]int{"tokens": tokens, "visitors": visitors, "conversations": convs},
		cutoffs: map[string]time.Time{},
		calls:   map[string]int{},
	}
}

func TestPurge(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour

	f := newFake(3, 1234, 600)
	got, err := Purge(context.Background(), f, nil, RetentionPolicy{IdleVisitors: 30 * day, Resolved: 90 * day}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Purged{Tokens: 3, Visitors: 1234, Conversations: 600}) {
		t.Errorf("purged %+v", got)
	}
	// Batches of retentionBatch until a short one.
	if f.calls["visitors"] != 3 || f.calls["conversations"] != 2 {
		t.Errorf("calls %v, want 3 visitor and 2 conversation batches", f.calls)
	}
	if !f.cutoffs["tokens"].Equal(now) || !f.cutoffs["visitors"].Equal(now.Add(-30*day)) || !f.cutoffs["conversations"].Equal(now.Add(-90*day)) {
		t.Errorf("cutoffs %v", f.cutoffs)
	}

	// A zero age keeps: resolved conversations are kept by default.
	f = newFake(1, 5, 5)
	got, err = Purge(context.Background(), f, nil, RetentionPolicy{}, now)
	if err != nil || got != (Purged{Tokens: 1}) || f.calls["visitors"] != 0 || f.calls["conversations"] != 0 {
		t.Errorf("zero policy: purged %+v, calls %v, err %v", got, f.calls, err)
	}

	f = newFake(0, 5, 5)
	f.failVisitor = true
	if _, err := Purge(context.Background(), f, nil, RetentionPolicy{IdleVisitors: day, Resolved: day}, now); err == nil {
		t.Error("a failing delete was not reported")
	}
}
