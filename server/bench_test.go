package server_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/kefu/kefu/client"
)

// BenchmarkVisitorToAgent measures the time from a visitor's send frame to
// the agent's socket receiving the message, over real sockets with the
// embedded store, one message at a time (a low rate, as in a real chat).
// It reports p50 and p99 in microseconds.
func BenchmarkVisitorToAgent(b *testing.B) {
	e := startEnv(b, func(o *serverOptions) {
		o.Limits.VisitorPer10s, o.Limits.IPPer10s, o.Limits.SitePer10s = 1<<30, 1<<30, 1<<30
	})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: fmt.Sprintf("b%d", i), Text: "你好，请问提现多久到账？"}); err != nil {
			b.Fatal(err)
		}
		// A refused send never reaches the agent: wait a bounded time.
		wait, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, err := agent.ExpectType(wait, "message")
		cancel()
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		if f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == fmt.Sprintf("b%d", i) }); err != nil || f.Type != "ack" {
			b.Fatalf("no ack: %v %s", err, f.Raw)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
