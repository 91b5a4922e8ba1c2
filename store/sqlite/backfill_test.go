package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/terms"
)

// A database from before search (schema 11) is indexed when kefu opens
// it, and a backfill that a crash cut short runs again without indexing
// anything twice.
func TestSearchBackfill(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s := mustOpen(t, dir, Config{})
	if err := s.CreateSite(ctx, &chat.Site{Key: "acme", Name: "Acme", IdentitySecret: "x"}); err != nil {
		t.Fatal(err)
	}
	v := &chat.Visitor{Site: "acme", Name: "王芳", CreatedAt: time.Now(), LastSeenAt: time.Now()}
	if err := s.CreateVisitor(ctx, v); err != nil {
		t.Fatal(err)
	}
	c := &chat.Conversation{Site: "acme", VisitorID: v.ID, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	for i, text := range []string{"我的充值还没到账", "", "refunded twice"} {
		m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: fmt.Sprint("c", i), Author: chat.Author{Type: chat.AuthorVisitor, ID: v.ID}, Text: text, CreatedAt: time.Now()}
		if _, err := s.AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
	}
	count := func(s *Store) (n int) {
		t.Helper()
		if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM search`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	indexed := count(s) // two messages with text and the visitor's name
	if indexed != 3 {
		t.Fatalf("%d documents indexed as messages came, want 3", indexed)
	}

	for _, state := range []string{"before search", "a backfill cut short"} {
		// Back to the state: no documents at all, or some of them twice.
		if state == "before search" {
			_, err := s.w.ExecContext(ctx, `DELETE FROM search`)
			must(t, err)
		} else {
			_, err := s.w.ExecContext(ctx, `INSERT INTO search (terms, conversation_id) SELECT terms, conversation_id FROM search`)
			must(t, err)
		}
		_, err := s.w.ExecContext(ctx, `UPDATE search_backfill SET done = 0`)
		must(t, err)
		must(t, s.Close())
		s = mustOpen(t, dir, Config{})
		if n := count(s); n != indexed {
			t.Errorf("%s: %d documents after the backfill, want %d", state, n, indexed)
		}
		for _, q := range []string{"充值", "refunds", "王芳"} {
			p, err := s.SearchConversations(ctx, chat.SearchFilter{Site: "acme", Terms: terms.Query(q), Limit: 10})
			if err != nil || len(p.IDs) != 1 || p.IDs[0] != c.ID {
				t.Errorf("%s: search %q = %v, %v", state, q, p.IDs, err)
			}
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
