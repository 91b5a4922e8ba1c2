package app

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// A started kefu purges at once what its retention policy lets go, and
// keeps what it does not.
func TestRetentionRunsAtStart(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	db, err := OpenDatabase(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-40 * 24 * time.Hour)
	for _, v := range []*chat.Visitor{
		{ID: "gone", Site: "demo", CreatedAt: old, LastSeenAt: old},
		{ID: "recent", Site: "demo", CreatedAt: old, LastSeenAt: time.Now()},
	} {
		if err := db.CreateVisitor(ctx, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}

	m := New(cfg, io.Discard)
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	defer m.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := m.Store().Visitor(ctx, "demo", "gone")
		if chat.IsCode(err, chat.CodeNotFound) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the idle visitor is still there 10 s after start: %v", err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := m.Store().Visitor(ctx, "demo", "recent"); err != nil {
		t.Fatalf("a recent visitor was purged: %v", err)
	}
}
