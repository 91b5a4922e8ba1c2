package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// response is an HTTP answer, read whole.
type response struct {
	status  int
	header  http.Header
	cookies []*http.Cookie
	body    []byte
	took    time.Duration
}

// errorCode is the code of an API error answer, or "".
func (r response) errorCode() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(r.body, &e)
	return e.Error.Code
}

// cookie is the value of the cookie the answer set, or "".
func (r response) cookie(name string) string {
	for _, c := range r.cookies {
		if c.Name == name {
			return c.Value
		}
	}
	return ""
}

func (r response) String() string {
	b := r.body
	if len(b) > 200 {
		b = append(b[:200:200], "…"...)
	}
	return fmt.Sprintf("%d %s", r.status, bytes.TrimSpace(b))
}

// do sends one request to kefu. body, if not nil, is sent as is, with the
// headers given (Content-Type included).
func (p *kefuProc) do(ctx context.Context, method, path string, body []byte, header http.Header) (response, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, p.URL+path, rd)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	start := time.Now()
	res, err := p.hc.Do(req)
	if err != nil {
		return response{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return response{}, fmt.Errorf("%s %s: read answer: %w", method, path, err)
	}
	return response{status: res.StatusCode, header: res.Header, cookies: res.Cookies(), body: data, took: time.Since(start)}, nil
}

// headers builds a header from name, value pairs.
func headers(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// jsonBody marshals v; it cannot fail for the maps and structs used here.
func jsonBody(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}

// waitStatus polls GET path until it answers want, or d passes, and
// returns the last answer.
func (p *kefuProc) waitStatus(ctx context.Context, path string, want int, d time.Duration) (response, bool) {
	deadline := time.Now().Add(d)
	for {
		r, err := p.do(ctx, "GET", path, nil, nil)
		if err == nil && r.status == want {
			return r, true
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return r, false
		}
		time.Sleep(100 * time.Millisecond)
	}
}
