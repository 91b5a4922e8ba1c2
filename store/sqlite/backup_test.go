package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// A backup taken while messages are being appended is a consistent
// database: it opens, its seqs are contiguous, and it has every message
// acknowledged before the backup began.
func TestBackupWhileWriting(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, t.TempDir(), Config{})
	c := &chat.Conversation{Site: "acme", VisitorID: "v", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: fmt.Sprintf("g%d-%d", g, i), Text: "x",
					Author: chat.Author{Type: chat.AuthorVisitor}, CreatedAt: time.Now()}
				if _, err := s.AppendMessage(ctx, m); err != nil {
					t.Error(err)
					return
				}
				acked.Add(1)
			}
		})
	}
	for acked.Load() < 200 {
		time.Sleep(time.Millisecond)
	}
	before := acked.Load()
	dir := t.TempDir()
	err := s.Backup(ctx, filepath.Join(dir, DBFile))
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("backup mode %v, want 0600", fi.Mode().Perm())
	}
	if err := s.Backup(ctx, filepath.Join(dir, DBFile)); err == nil {
		t.Error("a backup over an existing file succeeded")
	}

	copy := mustOpen(t, dir, Config{})
	got, err := copy.Conversation(ctx, "acme", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.LastSeq < before {
		t.Fatalf("backup has %d messages, but %d were acked before it began", got.LastSeq, before)
	}
	var n int64
	for after := int64(0); ; {
		page, err := copy.Messages(ctx, "acme", c.ID, after, 200)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			if m.Seq != n+1 {
				t.Fatalf("backup: seq %d after %d", m.Seq, n)
			}
			n = m.Seq
		}
		after = n
	}
	if n != got.LastSeq {
		t.Fatalf("backup holds %d messages, its conversation says %d", n, got.LastSeq)
	}
}
