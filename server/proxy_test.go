package server_test

import (
	"net/http"
	"testing"
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
