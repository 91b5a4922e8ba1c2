package server_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/store/mongo"
	"github.com/kefu/kefu/store/mongo/mongotest"
)

// cutProxy forwards TCP to a database and can cut it off, as a database
// crash or a network partition would.
type cutProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]struct{}
}

func startCutProxy(t *testing.T, target string) *cutProxy {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cutProxy{ln: ln, target: target, conns: map[net.Conn]struct{}{}}
	t.Cleanup(func() { ln.Close(); p.cut() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.mu.Lock()
			down := p.down
			if !down {
				p.conns[c] = struct{}{}
			}
			p.mu.Unlock()
			if down {
				c.Close()
				continue
			}
			go p.pipe(c)
		}
	}()
	return p
}

func (p *cutProxy) pipe(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	p.mu.Lock()
	p.conns[up] = struct{}{}
	p.mu.Unlock()
	go func() { _, _ = io.Copy(up, c); up.Close() }()
	_, _ = io.Copy(c, up)
	c.Close()
}

// cut drops every connection and refuses new ones until restore.
func (p *cutProxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *cutProxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

func TestDatabaseDownThenRetry(t *testing.T) {
	ctx := ctxT(t)
	uri, stop, err := mongotest.Start(context.Background(), filepath.Join(t.TempDir(), "db"), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	host := strings.TrimPrefix(uri, "mongodb://")
	host = host[:strings.IndexAny(host, "/?")]
	proxy := startCutProxy(t, host)
	st, err := mongo.Open(ctx, mongo.Config{URI: "mongodb://" + proxy.ln.Addr().String() + "/kefu?retryWrites=false&serverSelectionTimeoutMS=1500", Logger: testLogger(t)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close(context.Background()) })
	e := startEnvWithStore(t, st, bus.NewLocal())
	v := e.mustVisitor(ctx, "site-a")
	agent := e.mustAgentSocket(ctx, e.agentA)

	send := func(id string) client.Frame {
		t.Helper()
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: id, Text: "msg " + id}); err != nil {
			t.Fatal(err)
		}
		f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == id })
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := send("before"); f.Type != "ack" || f.Message.Seq != 1 {
		t.Fatalf("before the cut: %s", f.Raw)
	}
	proxy.cut()
	f := send("during")
	if f.Type != "error" || f.Code != "unavailable" || !f.Retry {
		t.Fatalf("during the cut: %s, want a retryable unavailable error", f.Raw)
	}
	res, err := http.Get(e.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz = %d during the cut", res.StatusCode)
	}

	proxy.restore()
	deadline := time.Now().Add(15 * time.Second)
	var ack client.Frame
	for {
		ack = send("during") // the client's retry, same id
		if ack.Type == "ack" || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if ack.Type != "ack" || ack.Message.Seq != 2 || ack.Duplicate {
		t.Fatalf("retry after restore: %s", ack.Raw)
	}
	// The agent saw the stored messages only, in order, and nothing twice.
	for _, want := range []int64{1, 2} {
		m, err := agent.ExpectType(ctx, "message")
		if err != nil {
			t.Fatal(err)
		}
		if m.Message.Seq != want {
			t.Fatalf("agent got seq %d, want %d", m.Message.Seq, want)
		}
	}
	msgs, err := e.client().Messages(ctx, e.agentA, v.conv.ID, 0)
	if err != nil || len(msgs) != 2 {
		t.Fatalf("stored %d messages (%v), want 2", len(msgs), err)
	}
	res, err = http.Get(e.url + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/readyz = %d after restore", res.StatusCode)
	}
}
