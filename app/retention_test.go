package app

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/config"
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
	m := runAfter(t, cfg, db)
	gone(t, "the idle visitor", func() error {
		_, err := m.Store().Visitor(ctx, "demo", "gone")
		return err
	})
	if _, err := m.Store().Visitor(ctx, "demo", "recent"); err != nil {
		t.Fatalf("a recent visitor was purged: %v", err)
	}
}

// A started kefu deletes an upload never sent and content no record
// names, once they are a day old, and keeps a sent file.
func TestRetentionSweepsLeftovers(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	db, err := OpenDatabase(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := blob.Open(FilesDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-25 * time.Hour)
	put := func(s string) string {
		k, err := files.Put(ctx, "c1", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(FilesDir(dir), k[:2], k)
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
		return k
	}
	record := func(key string) *chat.Attachment {
		a := &chat.Attachment{Site: "demo", ConversationID: "c1", Uploader: chat.Author{Type: chat.AuthorVisitor, ID: "v"},
			Name: "f", Type: "text/plain", Blob: key, CreatedAt: old}
		if err := db.CreateAttachment(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	c := &chat.Conversation{ID: "c1", Site: "demo", VisitorID: "v", CreatedAt: old, UpdatedAt: old}
	if err := db.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	sentKey, unsentKey, strayKey := put("sent"), put("unsent"), put("stray")
	sent, unsent := record(sentKey), record(unsentKey)
	m := &chat.Message{Site: "demo", ConversationID: "c1", ClientID: "m1", Attachments: []string{sent.ID},
		Author: chat.Author{Type: chat.AuthorVisitor, ID: "v"}, CreatedAt: old}
	if _, err := db.AppendMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	main := runAfter(t, cfg, db)
	for _, k := range []string{unsentKey, strayKey} {
		gone(t, "a left-over file", func() error {
			_, err := files.Get(ctx, k)
			return err
		})
	}
	if _, err := main.Store().Attachment(ctx, "demo", unsent.ID); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the unsent upload's record: %v", err)
	}
	if _, err := main.Store().Attachment(ctx, "demo", sent.ID); err != nil {
		t.Errorf("the sent file's record: %v", err)
	}
	if _, err := files.Get(ctx, sentKey); err != nil {
		t.Errorf("the sent file's content: %v", err)
	}
}

// runAfter closes db and runs kefu on cfg until the test ends.
func runAfter(t *testing.T, cfg config.Config, db Database) *Main {
	t.Helper()
	ctx := context.Background()
	if err := db.Close(ctx); err != nil {
		t.Fatal(err)
	}
	m := New(cfg, io.Discard)
	if err := m.Run(ctx); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = m.Close(ctx) })
	return m
}

// gone waits up to 10 s for find to say not found.
func gone(t *testing.T, what string, find func() error) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		err := find()
		if chat.IsCode(err, chat.CodeNotFound) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there 10 s after start: %v", what, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
