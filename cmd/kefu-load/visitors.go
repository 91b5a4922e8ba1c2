package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/kefu/kefu/client"
)

type visitor struct {
	conv string
	ws   *client.Socket
}

// connect opens n visitors, 32 at a time.
func connect(ctx context.Context, c *client.Client, site string, n int) ([]*visitor, error) {
	vs := make([]*visitor, n)
	errs := make(chan error, n)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	for i := range vs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			sess, err := c.NewSession(ctx, site, nil)
			if err != nil {
				errs <- fmt.Errorf("session: %w", err)
				return
			}
			conv, err := c.StartConversation(ctx, site, sess.Token, "load")
			if err != nil {
				errs <- fmt.Errorf("conversation: %w", err)
				return
			}
			ws, _, err := c.Dial(ctx, sess.Token)
			if err != nil {
				errs <- fmt.Errorf("socket: %w", err)
				return
			}
			vs[i] = &visitor{conv: conv.ID, ws: ws}
		}()
	}
	wg.Wait()
	close(errs)
	out := vs[:0]
	for _, v := range vs {
		if v != nil {
			out = append(out, v)
		}
	}
	return out, <-errs
}

// recorder matches sends with their acks and deliveries.
type recorder struct {
	mu        sync.Mutex
	sentAt    map[string]time.Time
	acks      []time.Duration
	delivered []time.Duration
	sent      int
	errs      map[string]int
}

func newRecorder() *recorder {
	return &recorder{sentAt: map[string]time.Time{}, errs: map[string]int{}}
}

func (r *recorder) fail(code string) {
	r.mu.Lock()
	r.errs[code]++
	r.mu.Unlock()
}

// chat sends messages from one visitor at rate per second, with jitter,
// each waiting for its ack.
func (r *recorder) chat(ctx context.Context, i int, v *visitor, rate float64) {
	every := time.Duration(float64(time.Second) / rate)
	t := time.NewTimer(time.Duration(rand.Int64N(int64(every))))
	defer t.Stop()
	for n := 0; ; n++ {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		t.Reset(every/2 + time.Duration(rand.Int64N(int64(every))))
		id := fmt.Sprintf("l%d-%d", i, n)
		start := time.Now()
		r.mu.Lock()
		r.sentAt[id] = start
		r.sent++
		r.mu.Unlock()
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv, ClientID: id, Text: "load test message 压力测试"}); err != nil {
			r.fail("write")
			return
		}
		f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == id })
		if err != nil {
			if ctx.Err() == nil {
				r.fail("read")
			}
			return
		}
		if f.Type != "ack" {
			r.fail(f.Code)
			continue
		}
		r.mu.Lock()
		r.acks = append(r.acks, time.Since(start))
		r.mu.Unlock()
	}
}

// receive records the agent's deliveries.
func (r *recorder) receive(ctx context.Context, agent *client.Socket) {
	for {
		f, err := agent.ExpectType(ctx, "message")
		if err != nil {
			return
		}
		now := time.Now()
		r.mu.Lock()
		if at, ok := r.sentAt[f.Message.ClientID]; ok {
			r.delivered = append(r.delivered, now.Sub(at))
			delete(r.sentAt, f.Message.ClientID)
		}
		r.mu.Unlock()
	}
}

// drain waits until every acked message was delivered, or ctx ends.
func (r *recorder) drain(ctx context.Context) {
	for {
		r.mu.Lock()
		done := len(r.delivered) >= len(r.acks)
		r.mu.Unlock()
		if done || ctx.Err() != nil {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func percentiles(d []time.Duration) string {
	if len(d) == 0 {
		return "none"
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return fmt.Sprintf("p50 %.2f ms, p99 %.2f ms, max %.2f ms", ms(d[len(d)/2]), ms(d[len(d)*99/100]), ms(d[len(d)-1]))
}

func (r *recorder) report(out io.Writer, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(out, "sent %d, acked %d, delivered to the agent %d, in %s (%.0f msg/s)\n",
		r.sent, len(r.acks), len(r.delivered), d, float64(len(r.acks))/d.Seconds())
	fmt.Fprintf(out, "send → ack:   %s\n", percentiles(r.acks))
	fmt.Fprintf(out, "send → agent: %s\n", percentiles(r.delivered))
	for code, n := range r.errs {
		fmt.Fprintf(out, "errors %s: %d\n", code, n)
	}
}
