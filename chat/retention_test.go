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

func (f *fakeRetention) DeleteUnsentAttachments(_ context.Context, t time.Time, limit int) (int, error) {
	return f.take("unsent", t, limit)
}

// UnrecordedBlobs says every key but "kept" is unrecorded.
func (f *fakeRetention) UnrecordedBlobs(_ context.Context, keys []string) ([]string, error) {
	var out []string
	for _, k := range keys {
		if k != "kept" {
			out = append(out, k)
		}
	}
	return out, nil
}

func newFake(tokens, visitors, convs int) *fakeRetention {
	return &fakeRetention{
		left:    map[string]int{"tokens": tokens, "visitors": visitors, "conversations": convs, "unsent": 7},
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

// sweepBlobs is a BlobStore whose Sweep offers its keys.
type sweepBlobs struct {
	BlobStore
	keys    []string
	cutoff  time.Time
	deleted []string
}

func (b *sweepBlobs) Sweep(ctx context.Context, t time.Time, unrecorded func(context.Context, []string) ([]string, error)) (int, error) {
	b.cutoff = t
	gone, err := unrecorded(ctx, b.keys)
	b.deleted = append(b.deleted, gone...)
	return len(gone), err
}

// With a grace for leftovers, unsent uploads go first, then the content
// no record names, both older than the grace.
func TestPurgeLeftovers(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	f := newFake(0, 0, 0)
	b := &sweepBlobs{keys: []string{"a", "kept", "b"}}
	got, err := Purge(context.Background(), f, b, RetentionPolicy{Leftovers: 24 * time.Hour}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got != (Purged{Unsent: 7, Leftovers: 2}) || len(b.deleted) != 2 || b.deleted[0] != "a" || b.deleted[1] != "b" {
		t.Errorf("purged %+v, deleted %v", got, b.deleted)
	}
	if want := now.Add(-24 * time.Hour); !f.cutoffs["unsent"].Equal(want) || !b.cutoff.Equal(want) {
		t.Errorf("cutoffs %v and %v, want %v", f.cutoffs["unsent"], b.cutoff, want)
	}
	// No grace: nothing is swept.
	f, b = newFake(0, 0, 0), &sweepBlobs{keys: []string{"a"}}
	if got, err := Purge(context.Background(), f, b, RetentionPolicy{}, now); err != nil || got != (Purged{}) || f.calls["unsent"] != 0 {
		t.Errorf("zero policy: purged %+v, calls %v, err %v", got, f.calls, err)
	}
}
