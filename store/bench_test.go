package store

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// The seed: 100,000 messages in 10,000 conversations. Most conversations
// are short; the long ones have more than two tails' worth of messages, so
// that reads can be measured both from the tail and beyond it.
const (
	benchSite      = "bench"
	benchShort     = 9_500 // conversations of benchShortLen messages
	benchShortLen  = 5
	benchLong      = 500 // conversations of benchLongLen messages
	benchLongLen   = 105
	benchBatchSize = 1_000
	benchActive    = 100 // long conversations that append-active writes to
)

// BenchmarkEmbeddedStore measures the hot paths on an embedded FerretDB
// seeded with 100,000 messages in 10,000 conversations, and reports the
// p50 and p99 latency of each. Benchmarks only run with -bench, so the
// seeding (tens of seconds) never slows down go test.
//
//	go test ./store/ -run '^$' -bench EmbeddedStore -benchtime 3s -timeout 30m
func BenchmarkEmbeddedStore(b *testing.B) {
	s := mustOpenStore(b)
	ctx := context.Background()
	start := time.Now()
	convs := seedBench(ctx, b, s)
	b.Logf("seeded %d messages in %d conversations in %v",
		benchShort*benchShortLen+benchLong*benchLongLen, len(convs), time.Since(start).Round(time.Millisecond))
	rng := rand.New(rand.NewPCG(1, 2))
	anyConv := func() *benchConv { return &convs[rng.IntN(len(convs))] }
	longConv := func() *benchConv { return &convs[benchShort+rng.IntN(benchLong)] }

	ops := []struct {
		name string
		op   func() error
	}{
		{"append-any", func() error {
			c := anyConv()
			c.lastSeq++
			m := newMessage(benchSite, c.id, c.lastSeq)
			m.ClientID = fmt.Sprintf("bench-%d", c.lastSeq)
			return s.AppendMessage(ctx, m)
		}},
		// Appends concentrate on the conversations that are going on; for
		// these the store has the tail in memory and skips one read.
		{"append-active", func() error {
			c := &convs[benchShort+rng.IntN(benchActive)]
			c.lastSeq++
			m := newMessage(benchSite, c.id, c.lastSeq)
			m.ClientID = fmt.Sprintf("bench-%d", c.lastSeq)
			return s.AppendMessage(ctx, m)
		}},
		{"read-last-50", func() error {
			c := longConv()
			ms, err := s.Messages(ctx, benchSite, c.id, c.lastSeq-50, 50)
			if err == nil && len(ms) != 50 {
				err = fmt.Errorf("read %d messages, want 50", len(ms))
			}
			return err
		}},
		{"open-conversation", func() error {
			_, err := s.Conversation(ctx, benchSite, anyConv().id)
			return err
		}},
		{"active-conversation", func() error {
			_, err := s.ActiveConversation(ctx, benchSite, anyConv().visitor)
			return err
		}},
		// Rarer paths, for reference: 50 lookups by _id, and a scan.
		{"read-50-beyond-tail", func() error {
			ms, err := s.Messages(ctx, benchSite, longConv().id, 0, 50)
			if err == nil && len(ms) != 50 {
				err = fmt.Errorf("read %d messages, want 50", len(ms))
			}
			return err
		}},
		{"list-conversations-scan", func() error {
			_, err := s.ListConversations(ctx, chat.ConversationFilter{Site: benchSite, Limit: 50})
			return err
		}},
	}
	for _, o := range ops {
		b.Run(o.name, func(b *testing.B) { measure(b, o.op) })
	}

	// The same hot paths without the SQLite index on _ferretdb_sjson->'$._id'
	// that EnsureIndexes adds: what FerretDB does on its own.
	dropIDIndexes(ctx, b, s)
	for _, o := range ops[:4] {
		b.Run("without-id-index/"+o.name, func(b *testing.B) { measure(b, o.op) })
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		b.Fatal(err)
	}
}

// measure runs op in the benchmark loop and reports its latency
// percentiles in milliseconds.
func measure(b *testing.B, op func() error) {
	var lat []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	slices.Sort(lat)
	pct := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100]) / 1e6 }
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
}

type benchConv struct {
	id, visitor string
	lastSeq     int64
}

// seedBench bulk-inserts the conversations and their messages, laid out as
// AppendMessage would leave them.
func seedBench(ctx context.Context, b *testing.B, s *Store) []benchConv {
	b.Helper()
	t0 := time.Now().UTC().Add(-24 * time.Hour).Truncate(time.Millisecond)
	var convs []benchConv
	var convDocs, msgDocs, activeDocs []any
	flush := func(force bool) {
		if len(activeDocs) >= benchBatchSize/10 || force && len(activeDocs) > 0 {
			if _, err := s.active.InsertMany(ctx, activeDocs); err != nil {
				b.Fatal(err)
			}
			activeDocs = activeDocs[:0]
		}
		if len(msgDocs) >= benchBatchSize || force && len(msgDocs) > 0 {
			if _, err := s.messages.InsertMany(ctx, msgDocs); err != nil {
				b.Fatal(err)
			}
			msgDocs = msgDocs[:0]
		}
		if len(convDocs) >= benchBatchSize/10 || force && len(convDocs) > 0 {
			if _, err := s.conversations.InsertMany(ctx, convDocs); err != nil {
				b.Fatal(err)
			}
			convDocs = convDocs[:0]
		}
	}
	for i := range benchShort + benchLong {
		n := int64(benchShortLen)
		if i >= benchShort {
			n = benchLongLen
		}
		c := chat.Conversation{
			ID: chat.NewID(), Site: benchSite, VisitorID: chat.NewID(),
			Kind: chat.KindChat, Status: chat.StatusOpen, Lang: "zh", LastSeq: n,
			CreatedAt: t0, UpdatedAt: t0.Add(time.Duration(i) * time.Millisecond),
		}
		for seq := int64(1); seq <= n; seq++ {
			m := chat.Message{
				Site: benchSite, ConversationID: c.ID, Seq: seq, ClientID: fmt.Sprintf("seed-%d", seq),
				Author:    chat.Author{Type: chat.AuthorVisitor, ID: c.VisitorID},
				Text:      "您好，我想问一下订单什么时候发货？Hello, when will my order ship?",
				CreatedAt: t0.Add(time.Duration(seq) * time.Second),
			}
			msgDocs = append(msgDocs, messageDoc{ID: messageID(c.ID, seq), Site: benchSite, ConversationID: c.ID, Body: newBodyDoc(&m)})
			if seq > n-chat.TailSize {
				c.Tail = append(c.Tail, m)
			}
		}
		convDocs = append(convDocs, newConversationDoc(&c))
		activeDocs = append(activeDocs, activeDoc{ID: c.Site + "/" + c.VisitorID, ConversationID: c.ID})
		convs = append(convs, benchConv{id: c.ID, visitor: c.VisitorID, lastSeq: n})
		flush(false)
	}
	flush(true)
	return convs
}

func dropIDIndexes(ctx context.Context, b *testing.B, s *Store) {
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.embedded.DataDir(), s.db.Name()+".sqlite")+"?_pragma=busy_timeout(10000)")
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	tables, err := collectionTables(ctx, db)
	if err != nil {
		b.Fatal(err)
	}
	for _, t := range tables {
		if _, err := db.ExecContext(ctx, "DROP INDEX IF EXISTS "+quoteIdent(idIndexName(t))); err != nil {
			b.Fatal(err)
		}
	}
}
