package bus

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"

	"github.com/kefu/kefu/bus/natstest"
)

func TestNATSConnectionName(t *testing.T) {
	s := natstest.StartServer(t, -1)
	mustConnect(t, s.ClientURL())
	connz, err := s.Connz(&server.ConnzOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(connz.Conns) != 1 || connz.Conns[0].Name != "kefu" {
		t.Fatalf("server sees connections %+v, want one named kefu", connz.Conns)
	}
}

// TestNATSServerLoss documents what nodes do while NATS is away: Publish
// buffers (returns nil) up to a bound, then fails; once a server is back on
// the same address both nodes reconnect on their own and messages flow.
func TestNATSServerLoss(t *testing.T) {
	s := natstest.StartServer(t, -1)
	port := s.Addr().(*net.TCPAddr).Port
	a, b := mustConnect(t, s.ClientURL()), mustConnect(t, s.ClientURL())
	r := newRecorder()
	mustSubscribe(t, b, "kefu.site.demo", r.fn)
	mustPublish(t, a, "kefu.site.demo", "before")
	r.expect(t, "before")

	s.Shutdown()
	s.WaitForShutdown()
	waitFor(t, "node a to notice the loss", func() bool { return !a.nc.IsConnected() })

	if err := a.Publish(context.Background(), "kefu.site.demo", []byte("during")); err != nil {
		t.Fatalf("Publish while disconnected = %v, want nil (buffered)", err)
	}
	var err error
	chunk := make([]byte, 64<<10)
	for i := 0; i < 2*reconnectBufSize/len(chunk) && err == nil; i++ {
		err = a.Publish(context.Background(), "kefu.site.big", chunk)
	}
	if !errors.Is(err, nats.ErrReconnectBufExceeded) {
		t.Fatalf("Publish past the buffer = %v, want nats.ErrReconnectBufExceeded", err)
	}

	natstest.StartServer(t, port)
	waitFor(t, "node a to reconnect", a.nc.IsConnected)
	// Node b resubscribes on reconnect; until it has, a's messages may go
	// nowhere, so keep publishing until one arrives.
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; ; i++ {
		mustPublish(t, a, "kefu.site.demo", fmt.Sprint("after-", i))
		select {
		case m := <-r:
			if m == "during" {
				continue // the buffered message made it too
			}
			if !strings.HasPrefix(m, "after-") {
				t.Fatalf("got %q after reconnect", m)
			}
			return
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatal("no message across nodes 15s after the server came back")
		}
	}
}

func TestConnectNATSWaitsForServer(t *testing.T) {
	port := freePort(t)
	type result struct {
		n   *NATS
		err error
	}
	done := make(chan result, 1)
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		n, err := ConnectNATS(ctx, fmt.Sprintf("nats://127.0.0.1:%d", port), nil)
		done <- result{n, err}
	}()
	time.Sleep(500 * time.Millisecond) // kefu is up before NATS, as in docker compose
	natstest.StartServer(t, port)
	r := <-done
	if r.err != nil {
		t.Fatalf("ConnectNATS: %v", r.err)
	}
	t.Cleanup(func() { r.n.Close() })
	if err := r.n.Ping(context.Background()); err != nil {
		t.Fatalf("Ping: %v", err)
	}
}

func TestConnectNATSFails(t *testing.T) {
	tests := []struct {
		name    string
		url     string
		timeout time.Duration
		want    error  // errors.Is, if set
		wantMsg string // in the error, if set
	}{
		{name: "nobody listens until the deadline", url: fmt.Sprintf("nats://127.0.0.1:%d", freePort(t)), timeout: 700 * time.Millisecond, want: context.DeadlineExceeded},
		{name: "malformed URL fails at once", url: "nats://127.0.0.1:bad", timeout: time.Minute, wantMsg: "bad NATS URL"},
		{name: "no URL", url: " , ", timeout: time.Minute, wantMsg: "no NATS URL"},
		{name: "credentials stay out of the error", url: "nats://user:hunter2@127.0.0.1:bad", timeout: time.Minute, wantMsg: "xxxxx"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), tt.timeout)
			defer cancel()
			start := time.Now()
			n, err := ConnectNATS(ctx, tt.url, nil)
			if err == nil {
				n.Close()
				t.Fatal("ConnectNATS succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error = %v, want %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) || strings.Contains(err.Error(), "hunter2") {
				t.Errorf("error = %q, want it to contain %q and no password", err, tt.wantMsg)
			}
			if elapsed := time.Since(start); elapsed > tt.timeout+5*time.Second {
				t.Errorf("gave up after %v, long past the %v deadline", elapsed, tt.timeout)
			}
		})
	}
}

func TestNATSDrain(t *testing.T) {
	url := natstest.Start(t)
	a, b := mustConnect(t, url), mustConnect(t, url)
	r := newRecorder()
	mustSubscribe(t, b, "kefu.site.demo", r.fn)
	var want []string
	for i := range 200 {
		want = append(want, fmt.Sprint(i))
		mustPublish(t, a, "kefu.site.demo", want[i])
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := a.Drain(ctx); err != nil {
		t.Fatalf("Drain: %v", err)
	}
	// Everything published before Drain was sent before the connection closed.
	r.expect(t, want...)
	if err := a.Publish(context.Background(), "kefu.site.demo", nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Publish after Drain = %v, want ErrClosed", err)
	}
	if err := a.Drain(ctx); err != nil {
		t.Errorf("second Drain = %v, want nil", err)
	}
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// freePort returns a loopback port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// A node cut off from NATS misses what others published meanwhile, so a
// reconnect must be reported as a possible gap.
func TestNATSReconnectReportsAGap(t *testing.T) {
	s := natstest.StartServer(t, -1)
	port := s.Addr().(*net.TCPAddr).Port
	n := mustConnect(t, s.ClientURL())
	gaps := make(chan string, 4)
	n.OnGap(func(subject string) { gaps <- subject })

	s.Shutdown()
	s.WaitForShutdown()
	waitFor(t, "the loss to be noticed", func() bool { return !n.nc.IsConnected() })
	select {
	case g := <-gaps:
		t.Fatalf("gap %q reported before the reconnect", g)
	default:
	}
	natstest.StartServer(t, port)
	select {
	case g := <-gaps:
		if g != "" {
			t.Fatalf("gap on %q after a reconnect, want every subject", g)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no gap reported 15s after the server came back")
	}
}
