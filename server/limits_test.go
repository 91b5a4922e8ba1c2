package server_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fasthttp/websocket"

	"github.com/kefu/kefu/client"
)

func metric(t *testing.T, url, name string) string {
	t.Helper()
	res, err := http.Get(url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			return line
		}
	}
	return ""
}

func TestSlowConsumerIsDroppedOthersCarryOn(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) {
		o.Limits.SendQueue = 8
		o.Limits.VisitorPer10s = 1 << 30
		o.Limits.IPPer10s = 1 << 30
		o.Limits.SitePer10s = 1 << 30
	})
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	v := e.mustVisitor(ctx, "site-a") // a reading tab
	agent := e.mustAgentSocket(ctx, e.agentA)

	// A second tab of the same visitor that authenticates, then never
	// reads, with a small receive buffer so that it backs up soon.
	d := websocket.Dialer{NetDialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
		c, err := (&net.Dialer{}).DialContext(ctx, network, addr)
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		return c, err
	}}
	raw, _, err := d.DialContext(ctx, "ws"+strings.TrimPrefix(e.url, "http")+"/ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if err := raw.WriteMessage(websocket.TextMessage, []byte(`{"type":"auth","token":"`+v.sess.Token+`"}`)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let it register

	// Typing frames fan out to both tabs without touching the database,
	// so many of them fill the stalled socket's buffers quickly.
	// The agent sends in windows of 4 that the reading tab takes in before
	// the next, so that its queue of 8 never fills while the other's does.
	const n, window = 40000, 4
	for i := 0; i < n; i += window {
		for j := i; j < i+window; j++ {
			if err := agent.Send(client.Frame{Type: "typing", ConversationID: v.conv.ID, Typing: j%2 == 0}); err != nil {
				t.Fatal(err)
			}
		}
		for j := i; j < i+window; j++ {
			f, err := v.ws.ExpectType(ctx, "typing")
			if err != nil {
				t.Fatalf("reading tab stopped at %d: %v", j, err)
			}
			if f.Typing != (j%2 == 0) {
				t.Fatalf("reading tab got frame %d out of order", j)
			}
		}
		if i%4000 == 0 && metric(t, e.url, "kefu_ws_slow_consumers_dropped_total") == "kefu_ws_slow_consumers_dropped_total 1" {
			break
		}
	}
	if got := metric(t, e.url, "kefu_ws_slow_consumers_dropped_total"); got != "kefu_ws_slow_consumers_dropped_total 1" {
		t.Fatalf("dropped metric = %q, want 1", got)
	}
	// The stalled socket was closed by the server: reading it through ends.
	_ = raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	for {
		if _, _, err := raw.ReadMessage(); err != nil {
			if ne, ok := err.(interface{ Timeout() bool }); ok && ne.Timeout() {
				t.Fatal("the slow socket was never closed")
			}
			break
		}
	}
}

func TestHostileFrames(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	tests := []struct {
		name  string
		frame string
		code  string
	}{
		{"malformed JSON", `{"type":"send",`, "invalid"},
		{"not an object", `[1,2,3]`, "invalid"},
		{"unknown type", `{"type":"drop_database"}`, "invalid"},
		{"invalid UTF-8", "{\"type\":\"send\",\"conversation_id\":\"" + v.conv.ID + "\",\"client_id\":\"u1\",\"text\":\"\xff\xfe\"}", "invalid"},
		{"operator in conversation id", `{"type":"send","conversation_id":{"$ne":null},"client_id":"x","text":"hi"}`, "invalid"},
		{"operator in client id", `{"type":"send","conversation_id":"` + v.conv.ID + `","client_id":{"$gt":""},"text":"hi"}`, "invalid"},
		{"operator-like string id", `{"type":"resume","conversation_id":"$where","last_seq":0}`, "invalid"},
		{"text too long", `{"type":"send","conversation_id":"` + v.conv.ID + `","client_id":"long","text":"` + strings.Repeat("a", 4001) + `"}`, "invalid"},
		{"empty text", `{"type":"send","conversation_id":"` + v.conv.ID + `","client_id":"empty","text":"   "}`, "invalid"},
		{"wrong version", `{"v":2,"type":"ping"}`, "unsupported_version"},
		{"another visitor's conversation", `{"type":"send","conversation_id":"aaaaaaaaaaaaaaaaaaaa","client_id":"x","text":"hi"}`, "not_found"},
		{"second auth", `{"type":"auth","token":"x"}`, "invalid"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := v.ws.SendRaw([]byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			f, err := v.ws.Next(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type != "error" || f.Code != tt.code || f.Text == "" {
				t.Fatalf("got %s, want error %s", f.Raw, tt.code)
			}
		})
	}
	// Fields the server owns are ignored: the message is the visitor's,
	// with the server's seq.
	forged := `{"type":"send","conversation_id":"` + v.conv.ID + `","client_id":"forged","text":"hi","seq":99,"author":{"type":"agent","id":"boss"},"site":"site-b","created_at":"2000-01-01T00:00:00Z"}`
	if err := v.ws.SendRaw([]byte(forged)); err != nil {
		t.Fatal(err)
	}
	ack, err := v.ws.Next(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if ack.Type != "ack" || ack.Message.Seq != 1 || ack.Message.Author.Type != "visitor" || ack.Message.CreatedAt.Year() < 2020 {
		t.Fatalf("forged fields were honoured: %s", ack.Raw)
	}
	// The socket still works.
	if err := v.ws.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	if f, err := v.ws.Next(ctx); err != nil || f.Type != "pong" {
		t.Fatalf("after hostile frames: %v %s", err, f.Raw)
	}

	t.Run("oversized frame closes with 1009", func(t *testing.T) {
		// The server stops reading at the limit and closes; with the rest
		// of the frame unread, the kernel may reset the connection before
		// the client reads the close frame, or while it is still writing.
		// Either way the socket ends, and a close frame, if read, says 1009.
		_ = v.ws.SendRaw([]byte(`{"type":"ping","id":"` + strings.Repeat("x", 70<<10) + `"}`))
		err := v.ws.Closed(ctx)
		if err == nil || errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("socket not closed: %v", err)
		}
		if ce, ok := err.(*client.CloseError); ok && ce.Code != 1009 {
			t.Fatalf("closed with %d, want 1009", ce.Code)
		}
	})
	// The server still serves others.
	e.mustVisitor(ctx, "site-a")
}

func TestAuthTimeoutAndBadTokens(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.AuthTimeout = 300 * time.Millisecond })
	ctx := ctxT(t)
	tests := []struct {
		name  string
		first string // "" sends nothing
		code  int
	}{
		{"no auth frame", "", 4001},
		{"garbage token", `{"type":"auth","token":"not-a-jwt"}`, 4001},
		{"first frame not auth", `{"type":"ping"}`, 4001},
		{"operator token", `{"type":"auth","token":{"$ne":null}}`, 1008},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := e.client().DialRaw(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if tt.first != "" {
				if err := s.SendRaw([]byte(tt.first)); err != nil {
					t.Fatal(err)
				}
			}
			err = s.Closed(ctx)
			if ce, ok := err.(*client.CloseError); !ok || ce.Code != tt.code {
				t.Fatalf("closed with %v, want %d", err, tt.code)
			}
		})
	}
}

func TestFrameRateLimit(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.VisitorPer10s = 10; o.Limits.RefusedToClose = 3 })
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	var limited int
	for i := 0; i < 20; i++ {
		if err := v.ws.Send(client.Frame{Type: "ping"}); err != nil {
			break
		}
	}
	for {
		f, err := v.ws.Next(ctx)
		if err != nil {
			ce, ok := err.(*client.CloseError)
			if !ok || ce.Code != 4008 {
				t.Fatalf("closed with %v, want 4008", err)
			}
			break
		}
		if f.Type == "error" {
			if f.Code != "rate_limited" || !f.Retry {
				t.Fatalf("error %s", f.Raw)
			}
			limited++
		}
	}
	if limited == 0 {
		t.Fatal("no frame was rate limited")
	}
	_ = context.Background()
}

func TestMetricsSurviveManyRequests(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	for i := 0; i < 25; i++ {
		if _, err := e.client().NewSession(ctx, "site-a", nil); err != nil {
			t.Fatal(err)
		}
		res, err := http.Get(e.url + "/api/v1/widget/site-a/config")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	res, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.Contains(string(b), `kefu_http_request_duration_seconds_count{method="POST",route="/api/v1/widget/:site/session",status="200"} 25`) {
		t.Fatalf("/metrics = %d:\n%.600s", res.StatusCode, b)
	}
}

// Paths and methods that no route knows must not each become a series:
// a scan of random paths would grow /metrics, and memory, for good.
func TestMetricsLabelsAreBounded(t *testing.T) {
	e := startEnv(t)
	for i := range 200 {
		req, err := http.NewRequest([]string{"GET", "POST", "FROB"}[i%3], fmt.Sprintf("%s/scan-%d/x%d", e.url, i, i*7), nil)
		if err != nil {
			t.Fatal(err)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
	}
	res, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	body := string(b)
	if strings.Contains(body, "scan-") || strings.Contains(body, "FROB") {
		t.Fatal("client-chosen paths or methods became metric labels")
	}
	if !strings.Contains(body, `kefu_http_request_duration_seconds_count{method="GET",route="unmatched",status="404"} 67`) {
		t.Fatal("the unmatched requests were not counted under one label")
	}
}

// /metrics answers this machine only, unless a token is set: through a
// proxy (a forwarded header) it is not there, and with a token it wants
// the token.
func TestMetricsAreNotPublic(t *testing.T) {
	get := func(url string, headers map[string]string) int {
		req, _ := http.NewRequest("GET", url+"/metrics", nil)
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	e := startEnv(t)
	if st := get(e.url, nil); st != http.StatusOK {
		t.Fatalf("from this machine = %d, want 200", st)
	}
	if st := get(e.url, map[string]string{"X-Forwarded-For": "203.0.113.9"}); st != http.StatusNotFound {
		t.Fatalf("through a proxy = %d, want 404", st)
	}
	withToken := startEnv(t, func(o *serverOptions) { o.MetricsToken = "scrape-me" })
	for _, tt := range []struct {
		auth string
		want int
	}{
		{"", http.StatusUnauthorized},
		{"Bearer wrong", http.StatusUnauthorized},
		{"Bearer scrape-me", http.StatusOK},
	} {
		h := map[string]string{}
		if tt.auth != "" {
			h["Authorization"] = tt.auth
		}
		if st := get(withToken.url, h); st != tt.want {
			t.Fatalf("with Authorization %q = %d, want %d", tt.auth, st, tt.want)
		}
	}
}
