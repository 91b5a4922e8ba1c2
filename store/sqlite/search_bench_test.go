package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/latency"
	"github.com/kefu/kefu/terms"
	"github.com/kefu/kefu/terms/corpus"
)

// The search benchmark's corpus: conversations of 20 messages each, every
// tenth on a second site.
const (
	searchConversations = 50_000
	searchPerConv       = 20
)

func searchSite(i int) string {
	if i%10 == 9 {
		return "small"
	}
	return "big"
}

// searchStore opens a store holding the corpus, seeded once into
// KEFU_BENCH_DIR if that is set (1,000,000 messages take a few minutes).
func searchStore(b *testing.B) *Store {
	b.Helper()
	dir := os.Getenv("KEFU_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	_, err := os.Stat(filepath.Join(dir, DBFile))
	s := mustOpen(b, dir, Config{})
	if err != nil {
		start := time.Now()
		seedSearch(b, s)
		b.Logf("seeded %d conversations and %d messages in %v", searchConversations, searchConversations*searchPerConv, time.Since(start))
	}
	return s
}

// seedSearch writes what CreateVisitor, CreateConversation and
// AppendMessage would, oldest first, in large transactions.
func seedSearch(b *testing.B, s *Store) {
	ctx := context.Background()
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const chunk = 2000
	for from := 0; from < searchConversations; from += chunk {
		tx, err := s.w.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		exec := func(q string, args ...any) {
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				b.Fatal(err)
			}
		}
		for i := from; i < min(from+chunk, searchConversations); i++ {
			site, at := searchSite(i), base.Add(time.Duration(i)*time.Minute)
			conv, vis, name := fmt.Sprintf("conv%07d", i), fmt.Sprintf("v%07d", i), corpus.Name(i)
			exec(`INSERT INTO visitors (id, site, user_id, verified, name, email, attributes, created_at, last_seen_at, profile_verified)
				VALUES (?, ?, '', 0, ?, '', '{}', ?, ?, 0)`, vis, site, name, millis(at), millis(at))
			exec(`INSERT INTO conversations (id, site, visitor_id, kind, status, topic, lang, page_url, referrer, user_agent, email,
				assignee_id, last_seq, last_message, last_public, first_reply_at, visitor_read_seq, agent_read_seq, rating,
				rating_comment, created_at, updated_at)
				VALUES (?, ?, ?, 'chat', 'resolved', '', 'zh-CN', '', '', '', '', '', ?, '', '', 0, 0, 0, 0, '', ?, ?)`,
				conv, site, vis, searchPerConv, millis(at), millis(at))
			if name != "" {
				exec(`INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, searchDoc(site, conv, name), conv)
			}
			for seq := 1; seq <= searchPerConv; seq++ {
				text := corpus.Message(i, seq)
				exec(`INSERT INTO messages (conversation_id, seq, site, client_id, author_type, author_id, author_name, text, private, created_at)
					VALUES (?, ?, ?, ?, 'visitor', ?, '', ?, 0, ?)`, conv, seq, site, fmt.Sprint("c", seq), vis, text, millis(at))
				exec(`INSERT INTO search (terms, conversation_id) VALUES (?, ?)`, searchDoc(site, conv, text), conv)
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
		if from%(chunk*5) == 0 {
			b.Logf("seeded %d conversations", from+chunk)
		}
	}
}

// BenchmarkSearch measures SearchConversations on 1,000,000 messages in
// 50,000 conversations: a first page of 50 for common words (a Chinese pair,
// one character, an English stem), a visitor's name, a rare order number,
// a word on the small site, a word that matches nothing, and the next page
// of a common word. It reports p50-ms and p99-ms of one call.
//
//	KEFU_BENCH_DIR=/tmp/kefu-search go test -run '^$' -bench Search -benchtime 500x ./store/sqlite/
func BenchmarkSearch(b *testing.B) {
	s := searchStore(b)
	ctx := context.Background()
	first := func(site, q string) func(r *rand.Rand) error {
		return func(*rand.Rand) error {
			p, err := s.SearchConversations(ctx, chat.SearchFilter{Site: site, Terms: terms.Query(q), Limit: 50})
			if err == nil && len(p.IDs) == 0 && !strings.HasPrefix(q, "zz") {
				err = fmt.Errorf("%q found nothing", q)
			}
			return err
		}
	}
	second, err := s.SearchConversations(ctx, chat.SearchFilter{Site: "big", Terms: terms.Query("充值"), Limit: 50})
	if err != nil || second.Next == 0 {
		b.Fatalf("first page of 充值: %v, next %d", err, second.Next)
	}
	cases := []struct {
		name string
		call func(r *rand.Rand) error
	}{
		{"zh-pair-充值", first("big", "充值")},
		{"zh-char-退", first("big", "退")},
		{"en-stem-refunds", first("big", "refunds")},
		{"visitor-name", func(r *rand.Rand) error { return first("big", corpus.Name(r.IntN(4000)*6+3))(r) }},
		{"order-number", func(r *rand.Rand) error {
			i := r.IntN(searchConversations)
			return first(searchSite(i), corpus.OrderNumber(i))(r)
		}},
		{"small-site-充值", first("small", "充值")},
		{"no-match", first("big", "zzqx")},
		{"next-page-充值", func(*rand.Rand) error {
			_, err := s.SearchConversations(ctx, chat.SearchFilter{Site: "big", Terms: terms.Query("充值"), Limit: 50, Before: second.Next})
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
