package report_test

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/latency"
	"github.com/kefu/kefu/report"
	"github.com/kefu/kefu/store/sqlite"
)

// The benchmark's database: one site in Shanghai's zone, with
// benchConversations conversations over 60 days, and benchMessages
// messages.
const (
	benchConversations = 50_000
	benchMessages      = 1_000_000
	benchDays          = 60
)

var benchStart = time.Date(2026, 1, 1, 0, 0, 0, 0, shanghai)

// BenchmarkReport measures a 30-day report (about 25,000 conversations)
// of the site and of one agent on the embedded store, from the query to
// the figures. Seeding takes a minute, so it runs only with
// KEFU_BENCH_REPORT=1; KEFU_BENCH_DIR keeps the database between runs.
//
//	KEFU_BENCH_REPORT=1 KEFU_BENCH_DIR=/tmp/kefu-report go test -run '^$' -bench Report -benchtime 50x ./report/
func BenchmarkReport(b *testing.B) {
	if os.Getenv("KEFU_BENCH_REPORT") == "" {
		b.Skip("set KEFU_BENCH_REPORT=1 to seed 1,000,000 messages and measure reports")
	}
	dir := os.Getenv("KEFU_BENCH_DIR")
	if dir == "" {
		dir = b.TempDir()
	}
	_, err := os.Stat(filepath.Join(dir, sqlite.DBFile))
	fresh := err != nil
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: dir, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = st.Close() })
	if fresh {
		start := time.Now()
		if err := st.CreateSite(ctx, &chat.Site{Key: "big", Name: "Big", Widget: chat.WidgetSettings{BusinessHours: chat.BusinessHours{Timezone: "Asia/Shanghai"}}}); err != nil {
			b.Fatal(err)
		}
		seedBench(b, filepath.Join(dir, sqlite.DBFile))
		b.Logf("seeded %d conversations and %d messages in %v", benchConversations, benchMessages, time.Since(start))
	}
	svc := report.New(st, func() time.Time { return benchStart.AddDate(0, 0, benchDays) })
	admin := chat.Actor{Site: "big", Agent: &chat.Agent{ID: "boss", Role: chat.RoleOwner, Sites: []string{"big"}}}
	q := report.Query{From: "2026-01-16", To: "2026-02-14"}
	for _, c := range []struct{ name, agent string }{{"site-30-days", ""}, {"agent-30-days", "ann"}} {
		b.Run(c.name, func(b *testing.B) {
			q.Agent = c.agent
			var r *report.Report
			latency.Time(b, func() (err error) {
				r, err = svc.Report(ctx, admin, q)
				return err
			})
			b.ReportMetric(float64(r.Total.Conversations), "conversations")
		})
	}
}

// seedBench writes the rows directly, in large transactions, through a
// second connection to the file: the rows the store would write for
// conversations that were answered, resolved and rated, with their
// messages and a day's FAQ counts.
func seedBench(b *testing.B, path string) {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	perConv := benchMessages / benchConversations
	step := time.Duration(benchDays) * 24 * time.Hour / benchConversations
	const chunk = 5000
	for from := 0; from < benchConversations; from += chunk {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			b.Fatal(err)
		}
		conv, err := tx.PrepareContext(ctx, `INSERT INTO conversations (id, site, visitor_id, kind, status, topic, lang,
			page_url, referrer, user_agent, email, assignee_id, last_seq, last_message, last_public, first_reply_at,
			visitor_read_seq, agent_read_seq, rating, rating_comment, created_at, updated_at, resolved_at)
			VALUES (?, 'big', ?, 'chat', ?, '', 'zh-CN', '', '', '', '', ?, ?, NULL, NULL, ?, 0, 0, ?, '', ?, ?, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		msg, err := tx.PrepareContext(ctx, `INSERT INTO messages (conversation_id, seq, site, client_id, author_type,
			author_id, author_name, text, private, created_at) VALUES (?, ?, 'big', ?, ?, '', '', ?, 0, ?)`)
		if err != nil {
			b.Fatal(err)
		}
		for i := from; i < min(from+chunk, benchConversations); i++ {
			id := fmt.Sprintf("conv%07d", i)
			at := benchStart.Add(time.Duration(i) * step)
			reply := at.Add(time.Duration(10+i%600) * time.Second)
			var resolved time.Time
			status := "open"
			if i%5 != 0 {
				status, resolved = "resolved", at.Add(time.Duration(5+i%120)*time.Minute)
			}
			if i%17 == 0 {
				reply = time.Time{} // never answered
			}
			_, err := conv.ExecContext(ctx, id, fmt.Sprintf("v%07d", i), status, []string{"", "ann", "bob"}[i%3], perConv,
				ms(reply), i%6, at.UnixMilli(), at.UnixMilli(), ms(resolved))
			if err != nil {
				b.Fatal(err)
			}
			for seq := 1; seq <= perConv; seq++ {
				author := []string{"visitor", "agent"}[seq%2]
				if _, err := msg.ExecContext(ctx, id, seq, fmt.Sprint("c", seq), author, "你好，我想问一下退款的事情", at.UnixMilli()); err != nil {
					b.Fatal(err)
				}
			}
		}
		if err := tx.Commit(); err != nil {
			b.Fatal(err)
		}
	}
	for d := range benchDays * 96 {
		slot := benchStart.Add(time.Duration(d) * chat.FAQSlot)
		if _, err := db.ExecContext(ctx, `INSERT INTO faq_counts (site, slot, views, solved) VALUES ('big', ?, ?, ?)`, slot.UnixMilli(), 3, 1); err != nil {
			b.Fatal(err)
		}
	}
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}
