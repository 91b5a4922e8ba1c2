package server_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/client"
)

// post sends body to path with the given headers and returns the response.
func post(t *testing.T, url, path, body string, headers map[string]string, cookies ...*http.Cookie) *http.Response {
	t.Helper()
	req, err := http.NewRequest("POST", url+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	for _, c := range cookies {
		req.AddCookie(c)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}

// A page on another site cannot log a visitor's browser in as someone
// else, nor log an agent out: the cookie endpoints refuse cross-site
// requests, and JSON endpoints refuse bodies that are not JSON.
func TestLoginAndLogoutRefuseCrossSiteRequests(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerMinute = 100 })
	creds := `{"email":"a@example.com","password":"password-site-a"}`
	jsonType := map[string]string{"Content-Type": "application/json"}
	tests := []struct {
		name    string
		headers map[string]string
		want    int
	}{
		{"a text/plain form", map[string]string{"Content-Type": "text/plain"}, http.StatusUnsupportedMediaType},
		{"an urlencoded form", map[string]string{"Content-Type": "application/x-www-form-urlencoded"}, http.StatusUnsupportedMediaType},
		{"another origin", map[string]string{"Content-Type": "application/json", "Origin": "https://evil.example"}, http.StatusForbidden},
		{"a cross-site fetch", map[string]string{"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"}, http.StatusForbidden},
		{"kefu's own page", map[string]string{"Content-Type": "application/json; charset=utf-8", "Origin": e.url, "Sec-Fetch-Site": "same-origin"}, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run("login from "+tt.name, func(t *testing.T) {
			res := post(t, e.url, "/api/v1/auth/login", creds, tt.headers)
			if res.StatusCode != tt.want {
				t.Fatalf("status %d, want %d", res.StatusCode, tt.want)
			}
			if tt.want != http.StatusOK && len(res.Cookies()) > 0 {
				t.Fatalf("a refused login set cookies: %v", res.Cookies())
			}
		})
	}

	res := post(t, e.url, "/api/v1/auth/login", creds, jsonType)
	var refresh *http.Cookie
	for _, c := range res.Cookies() {
		if c.Name == "kefu_refresh" {
			refresh = c
		}
	}
	if refresh == nil {
		t.Fatal("login set no refresh cookie")
	}
	if res := post(t, e.url, "/api/v1/auth/logout", "", map[string]string{"Origin": "https://evil.example"}, refresh); res.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site logout = %d, want 403", res.StatusCode)
	}
	if res := post(t, e.url, "/api/v1/auth/logout", "", nil); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout without a cookie = %d, want 204", res.StatusCode)
	}
	if res := post(t, e.url, "/api/v1/auth/refresh", "", nil, refresh); res.StatusCode != http.StatusOK {
		t.Fatalf("after the refused logout the session no longer refreshes: %d", res.StatusCode)
	}
}

// A body larger than its route needs is refused before it is decoded: one
// of 470,000 attribute keys once took a gigabyte of memory to decode.
func TestBodiesAreBoundedPerRoute(t *testing.T) {
	e := startEnv(t)
	var b strings.Builder
	b.WriteString(`{"user":{"attributes":{`)
	for i := range 470_000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":"v"`, i)
	}
	b.WriteString(`}}}`)
	jsonType := map[string]string{"Content-Type": "application/json"}
	if res := post(t, e.url, "/api/v1/widget/site-a/session", b.String(), jsonType); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a %d-byte session body = %d, want 413", b.Len(), res.StatusCode)
	}
	if res := post(t, e.url, "/api/v1/widget/site-a/session", `{}`, jsonType); res.StatusCode != http.StatusOK {
		t.Fatalf("a plain session = %d, want 200", res.StatusCode)
	}
	big := `{"text":"` + strings.Repeat("长", 40_000) + `"}`
	headers := map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + e.agentA}
	if res := post(t, e.url, "/api/v1/conversations/x/messages", big, headers); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("a 120 KB reply = %d, want 413", res.StatusCode)
	}
	if res := post(t, e.url, "/api/v1/auth/login", strings.Repeat(" ", 8<<10)+`{}`, jsonType); res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("an 8 KB login = %d, want 413", res.StatusCode)
	}
	// A compressed body would grow past every limit when read: 64 MB of
	// spaces in gzip twice is a few hundred bytes. It is refused unread.
	var bomb bytes.Buffer
	inner := gzip.NewWriter(&bomb)
	inner.Write(bytes.Repeat([]byte(" "), 64<<20))
	inner.Close()
	var twice bytes.Buffer
	outer := gzip.NewWriter(&twice)
	outer.Write(bomb.Bytes())
	outer.Close()
	for _, path := range []string{"/api/v1/auth/login", "/api/v1/widget/site-a/session"} {
		gz := map[string]string{"Content-Type": "application/json", "Content-Encoding": "gzip, gzip"}
		if res := post(t, e.url, path, twice.String(), gz); res.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("a %d-byte gzip bomb to %s = %d, want 415", twice.Len(), path, res.StatusCode)
		}
	}
}

// A guesser with many addresses gets a few tries at one account, then one
// a minute; the limit lifts by itself, and other accounts are untouched.
func TestLoginLimitPerAccount(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := startEnv(t, func(o *serverOptions) {
		o.Now = clock
		o.TrustedProxies = []string{"127.0.0.1"}
		o.Limits.LoginPerMinute = 1000
	})
	login := func(addr, password string) int {
		return post(t, e.url, "/api/v1/auth/login", `{"email":"a@example.com","password":"`+password+`"}`,
			map[string]string{"Content-Type": "application/json", "X-Forwarded-For": addr}).StatusCode
	}
	refused := 0
	for i := range 30 {
		if st := login(fmt.Sprintf("198.51.100.%d", i), "guess"); st == http.StatusTooManyRequests {
			refused++
		} else if st != http.StatusUnauthorized {
			t.Fatalf("guess %d = %d", i, st)
		}
	}
	if refused < 24 {
		t.Fatalf("%d of 30 guesses from 30 addresses were refused, want most", refused)
	}
	res := post(t, e.url, "/api/v1/auth/login", `{"email":"a@example.com","password":"password-site-a"}`,
		map[string]string{"Content-Type": "application/json", "X-Forwarded-For": "203.0.113.7"})
	if res.StatusCode != http.StatusTooManyRequests || res.Header.Get("Retry-After") != "60" {
		t.Fatalf("the right password during the lock = %d, Retry-After %q; want 429 and 60", res.StatusCode, res.Header.Get("Retry-After"))
	}
	if st := post(t, e.url, "/api/v1/auth/login", `{"email":"b@example.com","password":"password-site-b"}`,
		map[string]string{"Content-Type": "application/json"}).StatusCode; st != http.StatusOK {
		t.Fatalf("another account = %d, want 200", st)
	}
	mu.Lock()
	now = now.Add(2 * time.Minute)
	mu.Unlock()
	if st := login("203.0.113.7", "password-site-a"); st != http.StatusOK {
		t.Fatalf("the owner two minutes later = %d, want 200", st)
	}
}

// refreshCookie returns the refresh cookie that res set, or nil.
func refreshCookie(res *http.Response) *http.Cookie {
	for _, c := range res.Cookies() {
		if c.Name == "kefu_refresh" && c.Value != "" {
			return c
		}
	}
	return nil
}

// Refreshes racing with one refresh token, as two inbox tabs do, or a
// retry after a lost response: within account.RefreshGrace each one gets
// the same next token, which works, and nobody gets a 404. After the
// window, the used token is a replay: it revokes the whole login, so the
// chain that grew from it stops working too.
func TestRefreshRaceAndGraceWindow(t *testing.T) {
	var mu sync.Mutex
	now := time.Now()
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := startEnv(t, func(o *serverOptions) {
		o.Now = clock
		o.Limits.LoginPerMinute, o.Limits.LoginPerAccount = 1000, 1000
	})
	refresh := func(c *http.Cookie) *http.Response { return post(t, e.url, "/api/v1/auth/refresh", "", nil, c) }
	for round := range 5 {
		res := post(t, e.url, "/api/v1/auth/login", `{"email":"a@example.com","password":"password-site-a"}`,
			map[string]string{"Content-Type": "application/json"})
		first := refreshCookie(res)
		if first == nil {
			t.Fatalf("round %d: login %d set no refresh cookie", round, res.StatusCode)
		}
		const n = 8
		got := make([]*http.Response, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() { got[i] = refresh(first) })
		}
		wg.Wait()
		var won *http.Cookie
		for i, r := range got {
			c := refreshCookie(r)
			if r.StatusCode != http.StatusOK || c == nil {
				t.Fatalf("round %d: racing refresh %d = %d, want 200 with the next token", round, i, r.StatusCode)
			}
			if won == nil {
				won = c
			} else if c.Value != won.Value {
				t.Fatalf("round %d: racing refresh %d got another next token: one token grew two chains", round, i)
			}
		}
		// The next token works; its own use rotates it.
		r := refresh(won)
		next := refreshCookie(r)
		if r.StatusCode != http.StatusOK || next == nil {
			t.Fatalf("round %d: the next token = %d, want 200", round, r.StatusCode)
		}

		mu.Lock()
		now = now.Add(account.RefreshGrace + time.Second)
		mu.Unlock()
		if r := refresh(first); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("round %d: the first token after the grace window = %d, want 401", round, r.StatusCode)
		}
		if r := refresh(next); r.StatusCode != http.StatusUnauthorized {
			t.Fatalf("round %d: the chain still works (%d) after a replay revoked its login", round, r.StatusCode)
		}
	}
}

// login logs an agent in and returns the access token and the refresh
// cookie.
func login(t *testing.T, url, email, password string) (string, *http.Cookie) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	req, _ := http.NewRequest("POST", url+"/api/v1/auth/login", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.AccessToken == "" {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	c := refreshCookie(res)
	if c == nil {
		t.Fatal("no refresh cookie")
	}
	return out.AccessToken, c
}

// Logging out ends the access token of that login at once, not 15 minutes
// later; another login goes on.
func TestLogoutEndsItsAccessTokens(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount = 100 })
	ctx := ctxT(t)
	gone, cookie := login(t, e.url, "a@example.com", "password-site-a")
	other, _ := login(t, e.url, "a@example.com", "password-site-a")
	if err := e.client().Do(ctx, "GET", "/api/v1/me", gone, nil, nil); err != nil {
		t.Fatalf("before logout: %v", err)
	}
	if res := post(t, e.url, "/api/v1/auth/logout", "", nil, cookie); res.StatusCode != http.StatusNoContent {
		t.Fatalf("logout = %d", res.StatusCode)
	}
	err := e.client().Do(ctx, "GET", "/api/v1/me", gone, nil, nil)
	if ae, ok := err.(*client.APIError); !ok || ae.Status != http.StatusUnauthorized {
		t.Fatalf("the logged-out access token = %v, want 401", err)
	}
	if err := e.client().Do(ctx, "GET", "/api/v1/me", other, nil, nil); err != nil {
		t.Fatalf("the other login after logout: %v", err)
	}
}
