package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kefu/kefu/client"
)

// memoryAmplification (item 7): 7.5 MB session bodies of half a million
// attribute keys are refused with 413 at once, kefu's memory stays bounded,
// and a normal request is still answered in well under a second.
func memoryAmplification(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"))
	if err != nil {
		return err
	}
	body := manyAttributes(7_500_000)
	const requests, parallel = 16, 4
	if rss, err := k.rss(); err == nil {
		e.notef("7: RSS %d MB at start", rss>>20)
	}
	errs := make(chan error, requests)
	sem := make(chan struct{}, parallel)
	var wg sync.WaitGroup
	for range requests {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := k.do(ctx, "POST", "/api/v1/widget/"+site+"/session", body, headers("Content-Type", "application/json"))
			switch {
			case err != nil:
				errs <- err
			case r.status != http.StatusRequestEntityTooLarge:
				errs <- fmt.Errorf("a %.1f MB session body = %s, want 413", float64(len(body))/1e6, r)
			case r.took > 2*time.Second:
				errs <- fmt.Errorf("a %.1f MB session body took %s to refuse", float64(len(body))/1e6, r.took.Round(time.Millisecond))
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return err
	}
	rss, err := k.rss()
	if err != nil {
		return err
	}
	e.notef("7: RSS %d MB after %d bodies of %.1f MB, %d at a time", rss>>20, requests, float64(len(body))/1e6, parallel)
	const maxRSS = 200 << 20
	if rss > maxRSS {
		return fmt.Errorf("kefu holds %d MB after %d such bodies, want under %d MB", rss>>20, requests, maxRSS>>20)
	}
	r, err := k.do(ctx, "POST", "/api/v1/widget/"+site+"/session", []byte(`{"attributes":{"plan":"pro"}}`), headers("Content-Type", "application/json"))
	if err != nil {
		return err
	}
	if r.status != http.StatusOK || r.took > time.Second {
		return fmt.Errorf("a normal session afterwards = %s in %s, want 200 within 1 s", r, r.took.Round(time.Millisecond))
	}
	return nil
}

// manyAttributes returns a session body of at least size bytes made of
// tiny attributes.
func manyAttributes(size int) []byte {
	var b bytes.Buffer
	b.Grow(size + 64)
	b.WriteString(`{"attributes":{`)
	for i := 0; b.Len() < size; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"a%07d":"v"`, i)
	}
	b.WriteString(`}}`)
	return b.Bytes()
}

// siteSilencing (item 8): 200 visitors on 40 addresses, each within its
// own per-visitor and per-address limits, send frames for 3 s, more than
// the old fixed site budget (2,000 per 10 s) allowed; a new visitor who
// arrives meanwhile still gets every message acked. The frames are pings:
// they count against the limits like any frame and cost kefu nothing else.
func siteSilencing(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"), "KEFU_TRUSTED_PROXIES=127.0.0.1")
	if err != nil {
		return err
	}
	const (
		visitors = 200
		perAddr  = 5
		burst    = 8                      // of the visitor's 10
		every    = 500 * time.Millisecond // the visitor's 20 per 10 s
		flood    = 3 * time.Second
	)
	socks, err := floodSockets(ctx, k, visitors, perAddr)
	defer func() {
		for _, s := range socks {
			if s != nil {
				s.Close()
			}
		}
	}()
	if err != nil {
		return err
	}

	start := time.Now()
	floodCtx, stop := context.WithTimeout(ctx, flood)
	defer stop()
	var sent, answered, refused atomic.Int64
	var wg sync.WaitGroup
	for i, s := range socks {
		wg.Go(func() {
			for {
				f, err := s.Next(floodCtx)
				if err != nil {
					return
				}
				switch {
				case f.Type == "pong":
					answered.Add(1)
				case f.Type == "error" && f.Code == "rate_limited":
					refused.Add(1)
				}
			}
		})
		wg.Go(func() {
			ping := func() bool {
				if s.Send(client.Frame{Type: "ping"}) != nil {
					return false
				}
				sent.Add(1)
				return true
			}
			for range burst {
				if !ping() {
					return
				}
			}
			// Then one frame per interval, the visitors spread over it as
			// real ones would be, so that kefu never sees a quiet moment.
			select {
			case <-floodCtx.Done():
				return
			case <-time.After(every * time.Duration(i) / visitors):
			}
			tick := time.NewTicker(every)
			defer tick.Stop()
			for ping() {
				select {
				case <-floodCtx.Done():
					return
				case <-tick.C:
				}
			}
		})
	}

	// A new visitor arrives once the flood has run for a while.
	var late error
	var before int64
	var after time.Duration
	select {
	case <-time.After(flood * 2 / 3):
		before, after = sent.Load(), time.Since(start)
		late = lateVisitor(ctx, k)
	case <-ctx.Done():
		late = ctx.Err()
	}
	wg.Wait()
	if late != nil {
		return fmt.Errorf("%w; meanwhile the flood sent %d frames: %d answered, %d refused", late, sent.Load(), answered.Load(), refused.Load())
	}
	e.notef("8: the flood sent %d frames (%d before the new visitor came, after %s): %d answered, %d refused",
		sent.Load(), before, after.Round(time.Millisecond), answered.Load(), refused.Load())
	if n := refused.Load(); n > 0 {
		return fmt.Errorf("kefu refused %d of the flood's %d frames, which kept within each visitor's and address's limits", n, sent.Load())
	}
	// The site budget that silenced visitors once: 2,000 frames per 10 s,
	// 1,000 at once. The flood must have outrun it for the ack to mean
	// anything.
	if budget := 1000 + 200*after.Seconds(); float64(before) <= budget {
		return fmt.Errorf("the flood sent only %d frames in its first %s, within the old site budget (%.0f): too few to test it",
			before, after.Round(time.Millisecond), budget)
	}
	return nil
}

// floodSockets opens n visitors' sockets, perAddr of them behind each
// forwarded address.
func floodSockets(ctx context.Context, k *kefuProc, n, perAddr int) ([]*client.Socket, error) {
	socks := make([]*client.Socket, n)
	errs := make([]error, n)
	sem := make(chan struct{}, 16)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			c := client.New(k.URL)
			c.Header = http.Header{"X-Forwarded-For": {fmt.Sprintf("10.9.%d.%d", i/perAddr/200, i/perAddr%200+1)}}
			s, err := c.NewSession(ctx, site, nil)
			if err != nil {
				errs[i] = fmt.Errorf("flood visitor %d: %w", i, err)
				return
			}
			if socks[i], _, err = c.Dial(ctx, s.Token); err != nil {
				errs[i] = fmt.Errorf("flood visitor %d: %w", i, err)
			}
		})
	}
	wg.Wait()
	return socks, errors.Join(errs...)
}

// lateVisitor is a visitor from an address of its own who starts a chat
// and sends a few messages, each of which must be acked: one could slip
// through a spent budget as it refills.
func lateVisitor(ctx context.Context, k *kefuProc) error {
	v, err := k.newVisitor(ctx, "192.0.2.10")
	if err != nil {
		return fmt.Errorf("a new visitor during the flood: %w", err)
	}
	defer v.ws.Close()
	for i := range 3 {
		f, err := v.send(ctx, fmt.Sprint("hello-", i), "你好，有人在吗？")
		if err != nil {
			return fmt.Errorf("a new visitor's message during the flood: %w", err)
		}
		if f.Type != "ack" {
			return fmt.Errorf("a new visitor's message %d during the flood got %s, want an ack", i+1, describe(f))
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil
}

// metricsBounded (item 9): 2,000 random paths add no series to /metrics,
// /metrics answers only this machine unless a token is set, and with a
// token it wants the token.
func metricsBounded(ctx context.Context, e *env) error {
	k, err := e.start(ctx, e.path("data"))
	if err != nil {
		return err
	}
	if err := randomPaths(ctx, k, 2000); err != nil {
		return err
	}
	r, err := k.do(ctx, "GET", "/metrics", nil, nil)
	if err != nil {
		return err
	}
	if r.status != http.StatusOK {
		return fmt.Errorf("/metrics from this machine = %s, want 200", r)
	}
	routes := routeLabels(string(r.body))
	if len(routes) >= 100 || len(r.body) >= 1<<20 {
		return fmt.Errorf("after 2,000 random paths /metrics has %d route labels in %d KB, want under 100 in under 1 MB", len(routes), len(r.body)>>10)
	}
	e.notef("9: after 2,000 random paths, /metrics has %d route labels in %d KB", len(routes), len(r.body)>>10)
	if !routes["unmatched"] {
		return fmt.Errorf("no route=\"unmatched\" label after 2,000 random paths; labels: %v", routes)
	}
	if r, err := k.do(ctx, "GET", "/metrics", nil, headers("X-Forwarded-For", "203.0.113.9")); err != nil || r.status == http.StatusOK {
		return fmt.Errorf("/metrics through a proxy, with no token set = %s %v, want refused", r, err)
	}
	if err := k.stop(); err != nil {
		return err
	}

	token := rand.Text()
	k, err = e.start(ctx, e.path("data"), "KEFU_METRICS_TOKEN="+token)
	if err != nil {
		return err
	}
	for _, tt := range []struct {
		name string
		auth string
		want int
	}{
		{"without the token", "", http.StatusUnauthorized},
		{"with a wrong token", "Bearer " + rand.Text(), http.StatusUnauthorized},
		{"with the token", "Bearer " + token, http.StatusOK},
	} {
		r, err := k.do(ctx, "GET", "/metrics", nil, headers("Authorization", tt.auth))
		if err != nil {
			return err
		}
		if (r.status == http.StatusOK) != (tt.want == http.StatusOK) {
			return fmt.Errorf("/metrics %s, KEFU_METRICS_TOKEN set = %s, want %d", tt.name, r, tt.want)
		}
	}
	return nil
}

// randomPaths requests n random paths, some under real route prefixes.
func randomPaths(ctx context.Context, k *kefuProc, n int) error {
	prefixes := []string{"/", "/api/v1/", "/api/v1/widget/" + site + "/", "/w/", "/inbox/", "/chat/", "/api/v1/faq/"}
	paths := make(chan string)
	errs := make(chan error, 8)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for p := range paths {
				if _, err := k.do(ctx, "GET", p, nil, nil); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	for i := range n {
		select {
		case paths <- prefixes[i%len(prefixes)] + strings.ToLower(rand.Text()[:12]):
		case err := <-errs:
			close(paths)
			wg.Wait()
			return fmt.Errorf("random paths: %w", err)
		}
	}
	close(paths)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return fmt.Errorf("random paths: %w", err)
	}
	return nil
}

// routeLabels returns the distinct values of the route label of kefu's
// request metric in a Prometheus text scrape.
func routeLabels(scrape string) map[string]bool {
	routes := make(map[string]bool)
	sc := bufio.NewScanner(strings.NewReader(scrape))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "kefu_http_request_duration_seconds") {
			continue
		}
		_, rest, ok := strings.Cut(line, `route="`)
		if !ok {
			continue
		}
		if v, _, ok := strings.Cut(rest, `"`); ok {
			routes[v] = true
		}
	}
	return routes
}
