package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/latency"
)

// BenchmarkAppend measures durable appends (WAL, synchronous=FULL) on the
// disk under the test's temp dir: one sender at a time, then 8 and 64
// concurrent senders each on its own conversation, with group commit
// ("grouped") and with one commit per message ("alone"). It reports the
// latency of one AppendMessage call as p50-ms and p99-ms, and msgs/s.
//
// Keep it short, for example:
//
//	go test -run '^$' -bench Append -benchtime 3000x ./store/sqlite/
func BenchmarkAppend(b *testing.B) {
	for _, senders := range []int{1, 8, 64} {
		for _, mode := range []struct {
			name     string
			maxBatch int
		}{
			{"grouped", 0},
			{"alone", 1},
		} {
			b.Run(fmt.Sprintf("senders=%d/%s", senders, mode.name), func(b *testing.B) {
				benchAppend(b, senders, Config{MaxBatch: mode.maxBatch})
			})
		}
	}
}

func benchAppend(b *testing.B, senders int, cfg Config) {
	s := mustOpen(b, b.TempDir(), cfg)
	ctx := context.Background()
	convs := make([]string, senders)
	for i := range convs {
		c := &chat.Conversation{Site: "acme", VisitorID: fmt.Sprint("v", i), CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := s.CreateConversation(ctx, c); err != nil {
			b.Fatal(err)
		}
		convs[i] = c.ID
	}
	lat := make([]time.Duration, b.N)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			// Sender g makes appends g, g+senders, g+2*senders, … of b.N.
			for i := g; i < b.N; i += senders {
				m := &chat.Message{
					Site: "acme", ConversationID: convs[g], ClientID: fmt.Sprint("c", i),
					Author: chat.Author{Type: chat.AuthorVisitor, ID: "v"}, Text: "你好，我想问一下退款的事情", CreatedAt: time.Now(),
				}
				t0 := time.Now()
				if _, err := s.AppendMessage(ctx, m); err != nil {
					b.Error(err)
					return
				}
				lat[i] = time.Since(t0)
			}
		})
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()

	latency.Report(b, lat)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "msgs/s")
}
