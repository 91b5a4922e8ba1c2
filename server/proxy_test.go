package server_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/kefu/kefu/client"
)

// Behind a trusted proxy, the client is the rightmost address of
// X-Forwarded-For that is not a trusted proxy: what a client writes left
// of it does not choose its rate-limit key.
func TestRateLimitPerClientBehindTrustedProxy(t *testing.T) {
	tests := []struct {
		name    string
		proxies []string
		// status of the 3rd request from client 1, then the 1st from client 2
		third, other int
	}{
		{"trusted proxy: limits per forwarded client", []string{"127.0.0.1", "10.0.0.0/8"}, http.StatusTooManyRequests, http.StatusOK},
		{"untrusted: the header is ignored, all share one IP", nil, http.StatusTooManyRequests, http.StatusTooManyRequests},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := startEnv(t, func(o *serverOptions) { o.Limits.IPPer10s = 4; o.TrustedProxies = tt.proxies })
			get := func(xff string) int {
				req, _ := http.NewRequest("GET", e.url+"/api/v1/widget/site-a/config", nil)
				req.Header.Set("X-Forwarded-For", xff)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				res.Body.Close()
				return res.StatusCode
			}
			// Client 1.1.1.1 writes a new fake address first each time; the
			// inner proxy 10.9.9.9 (trusted) appended what it saw.
			// A burst of 2 is allowed (half the 10-second budget).
			for i, fake := range []string{"9.9.9.1", "9.9.9.2"} {
				if st := get(fake + ", 1.1.1.1, 10.9.9.9"); st != http.StatusOK {
					t.Fatalf("request %d = %d", i, st)
				}
			}
			if st := get("9.9.9.3, 1.1.1.1, 10.9.9.9"); st != tt.third {
				t.Fatalf("third request = %d, want %d", st, tt.third)
			}
			if st := get("2.2.2.2, 10.9.9.9"); st != tt.other {
				t.Fatalf("other client = %d, want %d", st, tt.other)
			}
		})
	}
}

// Visitors on many addresses, each within its own limits, must not use up
// a budget that silences the rest of their site: 1,100 frames in a burst
// from 110 visitors, then a new visitor is still answered.
func TestOneSiteCannotBeSilencedByItsVisitors(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.TrustedProxies = []string{"127.0.0.1"} })
	ctx := ctxT(t)
	dial := func(i int) (*client.Socket, string) {
		c := e.client()
		c.Header = http.Header{"X-Forwarded-For": {fmt.Sprintf("198.51.%d.%d", i/200, i%200+1)}}
		sess, err := c.NewSession(ctx, "site-a", nil)
		if err != nil {
			t.Fatal(err)
		}
		conv, err := c.StartConversation(ctx, "site-a", sess.Token, "")
		if err != nil {
			t.Fatal(err)
		}
		ws, _, err := c.Dial(ctx, sess.Token)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.Close() })
		return ws, conv.ID
	}
	var wg sync.WaitGroup
	for i := range 110 {
		ws, conv := dial(i)
		wg.Go(func() {
			for j := range 10 { // each visitor's burst
				_ = ws.Send(client.Frame{Type: "typing", ConversationID: conv, Typing: j%2 == 0})
			}
		})
	}
	wg.Wait()
	ws, conv := dial(999)
	if err := ws.Send(client.Frame{Type: "send", ConversationID: conv, ClientID: "still-heard", Text: "有人吗"}); err != nil {
		t.Fatal(err)
	}
	f, err := ws.Expect(ctx, func(f client.Frame) bool { return f.ClientID == "still-heard" })
	if err != nil {
		t.Fatal(err)
	}
	if f.Type != "ack" {
		t.Fatalf("a visitor after the burst got %s, want an ack", f.Raw)
	}
}
