package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/latency"
)

// The scale the issue sets for the embedded store: one site with this many
// conversations and messages.
const (
	scaleConversations = 100_000
	scaleMessages      = 1_000_000
	scaleSite          = "big"
)

// scaleStore opens a store holding scaleConversations conversations and
// scaleMessages messages in one site. Seeding takes a while, so
// KEFU_BENCH_DIR names a dir to keep the database in between runs.
func scaleStore(b *testing.B) (*Store, []string) {
	b.Helper()
	dir := os.Getenv("KEFU_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	_, err := os.Stat(filepath.Join(dir, DBFile))
	fresh := err != nil
	s := mustOpen(b, dir, Config{})
	ids := make([]string, scaleConversations)
	for i := range ids {
		ids[i] = fmt.Sprintf("conv%07d", i)
	}
	if fresh {
		start := time.Now()
		seedScale(b, s, ids)
		b.Logf("seeded %d conversations and %d messages in %v", scaleConversations, scaleMessages, time.Since(start))
	}
	return s, ids
}

// seedScale writes the rows directly, in large transactions: the same
// rows AppendMessage would write, much faster than one append at a time.
func seedScale(b *testing.B, s *Store, ids []string) {
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	perConv := scaleMessages / scaleConversations
	statuses := []chat.Status{chat.StatusOpen, chat.StatusPending, chat.StatusResolved, chat.StatusResolved}
	const chunk = 5000
	for from := 0; from < len(ids); from += chunk {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		for i := from; i < min(from+chunk, len(ids)); i++ {
			at := base.Add(time.Duration(i) * time.Minute)
			status := statuses[i%len(statuses)]
			if i%len(statuses) < 2 && i < len(ids)-2000 {
				status = chat.StatusResolved // most old ones are done
			}
			assignee := []string{"", "ann", "bob"}[i%3]
			last, err := encodeSummary(&chat.Message{Seq: int64(perConv), ClientID: fmt.Sprint("c", perConv),
				Author: chat.Author{Type: chat.AuthorVisitor, ID: "v"}, Text: "好的，谢谢", CreatedAt: at})
			if err != nil {
				b.Fatal(err)
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (id, site, visitor_id, kind, status, topic, lang,
				page_url, referrer, user_agent, email, assignee_id, last_seq, last_message, last_public, first_reply_at,
				visitor_read_seq, agent_read_seq, rating, rating_comment, created_at, updated_at)
				VALUES (?, ?, ?, 'chat', ?, '账户', 'zh-CN', '', '', '', '', ?, ?, ?, ?, 0, 0, 0, 0, '', ?, ?)`,
				ids[i], scaleSite, fmt.Sprintf("v%07d", i), string(status), assignee, perConv, last, last, millis(at), millis(at)); err != nil {
				b.Fatal(err)
			}
			for seq := 1; seq <= perConv; seq++ {
				if _, err := tx.ExecContext(ctx, `INSERT INTO messages (conversation_id, seq, site, client_id, author_type,
					author_id, author_name, text, private, created_at) VALUES (?, ?, ?, ?, 'visitor', 'v', '', ?, 0, ?)`,
					ids[i], seq, scaleSite, fmt.Sprint("c", seq), "你好，我想问一下退款的事情，订单号 123456", millis(at)); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkScale measures the agent side's reads on a large embedded
// database (100,000 conversations, 1,000,000 messages): inbox list pages
// (first and deep, by status and assignee) and history pages of random
// conversations. It reports p50-ms and p99-ms of one call.
//
//	KEFU_BENCH_DIR=/tmp/kefu-scale go test -run '^$' -bench Scale -benchtime 2000x ./store/sqlite/
func BenchmarkScale(b *testing.B) {
	s, ids := scaleStore(b)
	ctx := context.Background()
	// Cursors spread over the whole site, for deep pages.
	all, err := s.ListConversations(ctx, chat.ConversationFilter{Site: scaleSite, Limit: 200})
	if err != nil || len(all) == 0 {
		b.Fatalf("listing: %v", err)
	}
	cursor := func(r *rand.Rand) (time.Time, string) {
		i := r.IntN(len(ids))
		at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
		return at, ids[i]
	}
	cases := []struct {
		name string
		call func(r *rand.Rand) error
	}{
		{"inbox-first-page", func(*rand.Rand) error {
			_, err := s.ListConversations(ctx, chat.ConversationFilter{Site: scaleSite, Status: chat.StatusOpen, Limit: 50})
			return err
		}},
		{"inbox-mine", func(*rand.Rand) error {
			_, err := s.ListConversations(ctx, chat.ConversationFilter{Site: scaleSite, Status: chat.StatusOpen, AssigneeID: "ann", Limit: 50})
			return err
		}},
		{"inbox-deep-page", func(r *rand.Rand) error {
			at, id := cursor(r)
			_, err := s.ListConversations(ctx, chat.ConversationFilter{Site: scaleSite, Limit: 50, Before: at, BeforeID: id})
			return err
		}},
		{"history-latest", func(r *rand.Rand) error {
			_, err := s.MessagesBefore(ctx, scaleSite, ids[r.IntN(len(ids))], 1<<40, 50)
			return err
		}},
		{"history-after", func(r *rand.Rand) error {
			_, err := s.Messages(ctx, scaleSite, ids[r.IntN(len(ids))], 0, 50)
			return err
		}},
		{"open-conversation", func(r *rand.Rand) error {
			_, err := s.Conversation(ctx, scaleSite, ids[r.IntN(len(ids))])
			return err
		}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			r := rand.New(rand.NewPCG(1, 2))
			latency.Time(b, func() error { return c.call(r) })
		})
	}
}
