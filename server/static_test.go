package server_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kefu/kefu/bus"
)

func TestInboxAssets(t *testing.T) {
	pages := fstest.MapFS{
		"inbox.html":      {Data: []byte(`<!doctype html><title>inbox</title>`)},
		"inbox/main.js":   {Data: []byte(`import './dom.js';`)},
		"inbox/inbox.css": {Data: []byte(`body { margin: 0 }`)},
		"inbox/notes.txt": {Data: []byte(`not served`)},
	}
	e := startNode(t, mustOpenStore(t), bus.NewLocal(), func(o *serverOptions) { o.Pages = pages })

	get := func(path, etag string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, e.url+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { res.Body.Close() })
		return res
	}

	tests := []struct {
		name, path  string
		status      int
		contentType string // a prefix
		body        string // a part
	}{
		{name: "script", path: "/inbox/assets/main.js", status: 200, contentType: "text/javascript", body: "import"},
		{name: "style", path: "/inbox/assets/inbox.css", status: 200, contentType: "text/css", body: "margin"},
		{name: "other types are not served", path: "/inbox/assets/notes.txt", status: 404, contentType: "application/json"},
		{name: "unknown asset is not the page", path: "/inbox/assets/nope.js", status: 404, contentType: "application/json"},
		{name: "no way out of the folder", path: "/inbox/assets/..%2finbox.html", status: 404, contentType: "application/json"},
		{name: "page", path: "/inbox", status: 200, contentType: "text/html", body: "<title>inbox"},
		{name: "page under a deep link", path: "/inbox/c/123", status: 200, contentType: "text/html", body: "<title>inbox"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := get(tt.path, "")
			b, _ := io.ReadAll(res.Body)
			if res.StatusCode != tt.status || !strings.HasPrefix(res.Header.Get("Content-Type"), tt.contentType) || !strings.Contains(string(b), tt.body) {
				t.Fatalf("GET %s = %d %s %q, want %d %s containing %q", tt.path, res.StatusCode, res.Header.Get("Content-Type"), b, tt.status, tt.contentType, tt.body)
			}
			if tt.status == 200 && res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("Cache-Control = %q, want no-cache", res.Header.Get("Cache-Control"))
			}
		})
	}

	res := get("/inbox/assets/main.js", "")
	etag := res.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("ETag = %q, want a quoted tag", etag)
	}
	if res.Header.Get("X-Content-Type-Options") != "nosniff" {
		t.Error("assets are served without nosniff")
	}
	for _, match := range []string{etag, "W/" + etag, `"other", ` + etag} {
		if res := get("/inbox/assets/main.js", match); res.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match %s = %d, want 304", match, res.StatusCode)
		}
	}
	if res := get("/inbox/assets/main.js", `"other"`); res.StatusCode != http.StatusOK {
		t.Errorf("a stale ETag = %d, want 200", res.StatusCode)
	}
	if csp := get("/inbox", "").Header.Get("Content-Security-Policy"); !strings.Contains(csp, "script-src 'self';") {
		t.Errorf("inbox CSP = %q, want scripts from kefu only", csp)
	}
}
