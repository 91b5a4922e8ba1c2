package server_test

import (
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
	e := startEnv(b, func(o *serverOptions) { o.Limits.VisitorPer10s = 1 << 30; o.Limits.IPPer10s = 1 << 30 })
	ctx := ctxT(b)
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: fmt.Sprintf("b%d", i), Text: "你好，请问提现多久到账？"}); err != nil {
			b.Fatal(err)
		}
		if _, err := agent.ExpectType(ctx, "message"); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
		if _, err := v.ws.ExpectType(ctx, "ack"); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds()), "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds()), "p99-µs")
}
