package server_test

import (
	"archive/zip"
	"bytes"
	"net/http"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// filesJSON is a site's file policy as the API shows it.
type filesJSON struct {
	MaxMB      int      `json:"max_mb"`
	PerMessage int      `json:"per_message"`
	PerHour    int      `json:"per_hour"`
	Extra      []string `json:"extra_types"`
}

// widgetFiles is what the widget's config says about files.
type widgetFiles struct {
	MaxBytes   int64  `json:"max_bytes"`
	PerMessage int    `json:"per_message"`
	Accept     string `json:"accept"`
}

func zipOf(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	w := zip.NewWriter(&b)
	f, _ := w.Create("order.csv")
	f.Write([]byte("id,total\nA1024,99\n"))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// An admin gives site A its own file policy, in range only: A's visitors
// and agents get its size limit (413), its types (a ZIP in, SVG still
// out: 415), its files per message (413) and its uploads an hour (429),
// and its widget config says so; site B keeps the defaults throughout.
func TestSiteFilePolicy(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	var got struct {
		Site struct {
			Files filesJSON `json:"files"`
		} `json:"site"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/sites/site-a", e.agentA, nil, &got); err != nil {
		t.Fatal(err)
	}
	if f := got.Site.Files; f.MaxMB != 10 || f.PerMessage != 5 || f.PerHour != 30 || f.Extra == nil || len(f.Extra) != 0 {
		t.Errorf("a site that never set a policy shows %+v; want the defaults", f)
	}

	policy := map[string]any{"files": map[string]any{"max_mb": 1, "per_message": 2, "per_hour": 4, "extra_types": []string{"zip"}}}
	wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/sites/site-a", e.agentA, policy, nil), http.StatusForbidden)
	for _, bad := range []map[string]any{{"max_mb": 11}, {"per_message": 11}, {"per_hour": -1}, {"per_hour": 121}, {"extra_types": []string{"svg"}}} {
		wantStatus(t, c.Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, map[string]any{"files": bad}, nil), http.StatusBadRequest)
	}
	if err := c.Do(ctx, "PATCH", "/api/v1/sites/site-a", admin, policy, &got); err != nil {
		t.Fatal(err)
	}
	if f := got.Site.Files; f.MaxMB != 1 || f.PerMessage != 2 || f.PerHour != 4 || strings.Join(f.Extra, ",") != "zip" {
		t.Errorf("after the patch the site shows %+v", f)
	}

	config := func(site string) widgetFiles {
		var cfg struct {
			Files widgetFiles `json:"files"`
		}
		if err := c.Do(ctx, "GET", "/api/v1/widget/"+site+"/config", "", nil, &cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.Files
	}
	if f := config("site-a"); f.MaxBytes != 1<<20 || f.PerMessage != 2 || !strings.Contains(f.Accept, "application/zip") || !strings.HasPrefix(f.Accept, "image/png") {
		t.Errorf("site A's widget config: %+v", f)
	}
	if f := config("site-b"); f.MaxBytes != 10<<20 || f.PerMessage != 5 || strings.Contains(f.Accept, "zip") || !strings.Contains(f.Accept, "text/plain") {
		t.Errorf("site B's widget config: %+v", f)
	}

	a, b := e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-b")
	url := func(site string, v *visitor) string {
		return e.url + "/api/v1/widget/" + site + "/conversations/" + v.conv.ID + "/attachments"
	}
	big := bytes.Repeat([]byte("a"), 1<<20+1)
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	var ids []string
	for name, tt := range map[string]struct {
		url, token string
		data       []byte
		want       int
	}{
		"1 MB and a byte to A":          {url("site-a", a), a.sess.Token, big, http.StatusRequestEntityTooLarge},
		"1 MB and a byte to B":          {url("site-b", b), b.sess.Token, big, http.StatusCreated},
		"an agent's 1 MB and a byte, A": {e.url + "/api/v1/conversations/" + a.conv.ID + "/attachments?site=site-a", e.agentA, big, http.StatusRequestEntityTooLarge},
		"a ZIP to A":                    {url("site-a", a), a.sess.Token, zipOf(t), http.StatusCreated},
		"a ZIP to B":                    {url("site-b", b), b.sess.Token, zipOf(t), http.StatusUnsupportedMediaType},
		"an SVG to A":                   {url("site-a", a), a.sess.Token, svg, http.StatusUnsupportedMediaType},
	} {
		st, att := upload(t, tt.url, tt.token, "f.bin", tt.data)
		if st != tt.want {
			t.Errorf("%s: %d, want %d", name, st, tt.want)
		}
		if att.Type == "application/zip" {
			// Served as a download, never inline.
			if res, body := fetch(t, e.url+att.URL); res.StatusCode != 200 || !bytes.Equal(body, zipOf(t)) ||
				res.Header.Get("Content-Type") != "application/zip" || !strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("the ZIP is served %d with %v", res.StatusCode, res.Header)
			}
			ids = append(ids, att.ID)
		}
	}

	// Files per message: A's visitor sends 2, not 3; B's visitor 3.
	for i := 0; i < 2; i++ {
		_, att := upload(t, url("site-a", a), a.sess.Token, "n.txt", []byte("note"))
		ids = append(ids, att.ID)
	}
	send := func(v *visitor, id string, files []string) client.Frame {
		t.Helper()
		if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: id, Attachments: files}); err != nil {
			t.Fatal(err)
		}
		f, err := v.ws.Expect(ctx, func(f client.Frame) bool { return f.Type == "ack" || f.Type == "error" })
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	if f := send(a, "three", ids); f.Type != "error" || f.Code != "too_large" || !strings.Contains(string(f.Raw), "at most 2 files") {
		t.Errorf("3 files in a message on A: %s", f.Raw)
	}
	if f := send(a, "two", ids[:2]); f.Type != "ack" || len(filesOf(t, f.Raw)) != 2 {
		t.Errorf("2 files in a message on A: %s", f.Raw)
	}
	var bids []string
	for i := 0; i < 3; i++ {
		_, att := upload(t, url("site-b", b), b.sess.Token, "n.txt", []byte("note"))
		bids = append(bids, att.ID)
	}
	if f := send(b, "three", bids); f.Type != "ack" || len(filesOf(t, f.Raw)) != 3 {
		t.Errorf("3 files in a message on B: %s", f.Raw)
	}

	// Uploads an hour: a new visitor of A gets 4, of B more.
	a2, b2 := e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-b")
	count := func(site string, v *visitor) (int, int) {
		n, st := 0, 0
		for ; n < 6; n++ {
			if st, _ = upload(t, url(site, v), v.sess.Token, "n.txt", []byte("note")); st != http.StatusCreated {
				break
			}
		}
		return n, st
	}
	if n, st := count("site-a", a2); n != 4 || st != http.StatusTooManyRequests {
		t.Errorf("a visitor of A uploaded %d files, then %d; want 4, then 429", n, st)
	}
	if n, st := count("site-b", b2); n != 6 {
		t.Errorf("a visitor of B uploaded %d files, then %d; want 6 and more", n, st)
	}
}
