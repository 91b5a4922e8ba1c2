package app

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

type faqResults struct {
	Results []struct {
		ID       string  `json:"id"`
		Question string  `json:"question"`
		Score    float64 `json:"score"`
	} `json:"results"`
}

func suggest(t *testing.T, c *client.Client, site, lang, q string) faqResults {
	t.Helper()
	var r faqResults
	path := fmt.Sprintf("/api/v1/widget/%s/faq?lang=%s&limit=5&q=%s", site, lang, url.QueryEscape(q))
	if err := c.Do(context.Background(), "GET", path, "", nil, &r); err != nil {
		t.Fatalf("suggest %.40q: %.200v", q, err)
	}
	return r
}

func hasQuestion(r faqResults, q string) bool {
	for _, x := range r.Results {
		if x.Question == q {
			return true
		}
	}
	return false
}

func TestFAQCrudUpdatesTheIndexLive(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	ctx := context.Background()
	c := client.New(m.URL())
	token, err := c.Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	// The sample FAQ answers out of the box, in Chinese, one character too.
	if r := suggest(t, c, "demo", "zh-CN", "提现"); len(r.Results) == 0 {
		t.Fatal("no sample FAQ answer for 提现")
	}

	var created struct {
		FAQ chat.FAQ `json:"faq"`
	}
	// The list the widget shows before the visitor types is kept, and
	// renewed by every change.
	listed := func() faqResults {
		var r faqResults
		if err := c.Do(ctx, "GET", "/api/v1/widget/demo/faq?lang=en&limit=20", "", nil, &r); err != nil {
			t.Fatal(err)
		}
		return r
	}
	if hasQuestion(listed(), "Do you ship zeppelins overseas?") {
		t.Fatal("listed before it exists")
	}
	entry := map[string]any{"lang": "en", "category": "airships", "question": "Do you ship zeppelins overseas?", "answer": "Yes, by airship freight."}
	if err := c.Do(ctx, "POST", "/api/v1/faq", token, entry, &created); err != nil {
		t.Fatal(err)
	}
	if !hasQuestion(listed(), "Do you ship zeppelins overseas?") {
		t.Fatal("a new entry is not in the widget's list at once")
	}
	if r := suggest(t, c, "demo", "en", "zeppelin shipping"); !hasQuestion(r, "Do you ship zeppelins overseas?") {
		t.Fatalf("new entry not suggested: %+v", r)
	}
	entry["question"] = "Do you deliver hovercraft abroad?"
	if err := c.Do(ctx, "PUT", "/api/v1/faq/"+created.FAQ.ID, token, entry, nil); err != nil {
		t.Fatal(err)
	}
	if r := suggest(t, c, "demo", "en", "hovercraft"); !hasQuestion(r, "Do you deliver hovercraft abroad?") {
		t.Fatalf("updated entry not suggested: %+v", r)
	}
	if r := suggest(t, c, "demo", "en", "zeppelin"); hasQuestion(r, "Do you ship zeppelins overseas?") {
		t.Fatal("old wording still suggested")
	}
	entry["published"] = false
	if err := c.Do(ctx, "PUT", "/api/v1/faq/"+created.FAQ.ID, token, entry, nil); err != nil {
		t.Fatal(err)
	}
	if r := suggest(t, c, "demo", "en", "hovercraft"); len(r.Results) != 0 && hasQuestion(r, "Do you deliver hovercraft abroad?") {
		t.Fatal("unpublished entry still suggested")
	}
	entry["published"] = true
	if err := c.Do(ctx, "PUT", "/api/v1/faq/"+created.FAQ.ID, token, entry, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "DELETE", "/api/v1/faq/"+created.FAQ.ID, token, nil, nil); err != nil {
		t.Fatal(err)
	}
	if r := suggest(t, c, "demo", "en", "hovercraft"); hasQuestion(r, "Do you deliver hovercraft abroad?") {
		t.Fatal("deleted entry still suggested")
	}
	if hasQuestion(listed(), "Do you deliver hovercraft abroad?") {
		t.Fatal("a deleted entry is still in the widget's list")
	}
	// Bad input gets a clear error.
	err = c.Do(ctx, "POST", "/api/v1/faq", token, map[string]any{"lang": "en", "category": "c", "question": ""}, nil)
	if ae, ok := err.(*client.APIError); !ok || ae.Status != 400 || !strings.Contains(ae.Message, "question") {
		t.Fatalf("empty question: %v", err)
	}
}

func TestFAQSearchIsWalledAndPlainText(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	ctx := context.Background()
	now := time.Now()
	other := &chat.Site{Key: "other", Name: "Other", CreatedAt: now, UpdatedAt: now}
	if err := m.Store().CreateSite(ctx, other); err != nil {
		t.Fatal(err)
	}
	secret := chat.FAQ{ID: "secret1", Site: "other", Lang: "en", Category: "x", Question: "Where is the other site's vault key?", Answer: "Under the mat.", Published: true, UpdatedAt: now}
	if err := m.Store().SaveFAQ(ctx, &secret); err != nil {
		t.Fatal(err)
	}
	if err := m.index.Index(ctx, secret); err != nil {
		t.Fatal(err)
	}
	c := client.New(m.URL())
	if r := suggest(t, c, "other", "en", "vault key"); !hasQuestion(r, secret.Question) {
		t.Fatalf("the other site cannot find its own entry: %+v", r)
	}
	for _, q := range []string{"vault key", "site:other vault", "/.*/", "a~2", "*", `+-&&||!(){}[]^"~*?:\/`, "question:vault", strings.Repeat("vault ", 300)} {
		r := suggest(t, c, "demo", "en", q)
		if hasQuestion(r, secret.Question) {
			t.Fatalf("query %.40q reached another site's entry", q)
		}
	}
	// A query too long for a URL gets a clear error, and the server goes on.
	err := c.Do(ctx, "GET", "/api/v1/widget/demo/faq?q="+url.QueryEscape(strings.Repeat("金库", 5000)), "", nil, nil)
	if ae, ok := err.(*client.APIError); !ok || ae.Status != 431 {
		t.Fatalf("10,000-character query: %.200v", err)
	}
	if r := suggest(t, c, "other", "en", "vault"); !hasQuestion(r, secret.Question) {
		t.Fatal("server broken after a huge query")
	}
}

func TestSuggestionsPushedWhileWaiting(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c := client.New(m.URL())
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := c.StartConversation(ctx, "demo", sess.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	ws, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.Close()
	if err := ws.Send(client.Frame{Type: "send", ConversationID: conv.ID, ClientID: "q1", Text: "提现多久到账"}); err != nil {
		t.Fatal(err)
	}
	f, err := ws.ExpectType(ctx, "suggestions")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(f.Raw), "提现") || f.ClientID != "q1" {
		t.Fatalf("suggestions for the withdrawal question q1: %s", f.Raw)
	}
	// Once an agent has answered, no more suggestions.
	token, err := c.Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Reply(ctx, token, conv.ID, "您好，我来帮您查", ""); err != nil {
		t.Fatal(err)
	}
	if err := ws.Send(client.Frame{Type: "send", ConversationID: conv.ID, ClientID: "q2", Text: "提现失败怎么办"}); err != nil {
		t.Fatal(err)
	}
	if _, err := ws.Expect(ctx, func(f client.Frame) bool { return f.Type == "ack" && f.ClientID == "q2" }); err != nil {
		t.Fatal(err)
	}
	if err := ws.Send(client.Frame{Type: "ping"}); err != nil {
		t.Fatal(err)
	}
	for {
		f, err := ws.Next(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if f.Type == "suggestions" {
			t.Fatalf("suggested after an agent answered: %s", f.Raw)
		}
		if f.Type == "pong" {
			break
		}
	}
}

func TestFAQImportExport(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	ctx := context.Background()
	c := client.New(m.URL())
	token, err := c.Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	before, err := m.Store().ListFAQ(ctx, "demo", "", nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	post := func(format, body string) (*http.Response, string) {
		req, _ := http.NewRequest("POST", m.URL()+"/api/v1/faq/import?format="+format, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, string(b)
	}
	bad := "lang,category,question,answer\n" +
		"en,pets,Can I pay with a parrot?,No.\n" +
		"en,pets,,An answer without a question\n" +
		"xx,pets,Bad language?,Yes\n" +
		"en,,No category?,Yes\n"
	res, body := post("csv", bad)
	if res.StatusCode != 400 || !strings.Contains(body, `"line":3`) || !strings.Contains(body, `"line":4`) || !strings.Contains(body, `"line":5`) {
		t.Fatalf("bad import: %d %s", res.StatusCode, body)
	}
	if after, _ := m.Store().ListFAQ(ctx, "demo", "", nil, 1000); len(after) != len(before) {
		t.Fatalf("a bad file was half imported: %d entries, had %d", len(after), len(before))
	}
	good := "lang,category,question,answer,alternatives\n" +
		"en,pets,Can I pay with a parrot?,No; we take cards and bank transfers.,parrot payment|bird money\n" +
		"zh-CN,宠物,可以用鹦鹉付款吗？,不可以。,鹦鹉支付\n"
	res, body = post("csv", good)
	if res.StatusCode != 200 || !strings.Contains(body, `"imported":2`) {
		t.Fatalf("good import: %d %s", res.StatusCode, body)
	}
	// The same file again, with an edited answer, changes those entries
	// instead of adding two more.
	res, body = post("csv", strings.Replace(good, "不可以。", "不可以，请用银行卡。", 1))
	after, _ := m.Store().ListFAQ(ctx, "demo", "", nil, 1000)
	if res.StatusCode != 200 || len(after) != len(before)+2 {
		t.Fatalf("importing the file again: %d %s, %d entries, want %d", res.StatusCode, body, len(after), len(before)+2)
	}
	edited := false
	for _, f := range after {
		edited = edited || (f.Question == "可以用鹦鹉付款吗？" && f.Answer == "不可以，请用银行卡。")
	}
	if !edited {
		t.Error("importing the file again did not update the entry's answer")
	}
	if r := suggest(t, c, "demo", "en", "parrot"); !hasQuestion(r, "Can I pay with a parrot?") {
		t.Fatalf("imported entry not suggested: %+v", r)
	}
	if r := suggest(t, c, "demo", "zh-CN", "鹦"); !hasQuestion(r, "可以用鹦鹉付款吗？") {
		t.Fatalf("imported Chinese entry not suggested by one character: %+v", r)
	}
	req, _ := http.NewRequest("GET", m.URL()+"/api/v1/faq/export?format=json", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	exp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer exp.Body.Close()
	b, _ := io.ReadAll(exp.Body)
	var entries []map[string]any
	if err := json.Unmarshal(b, &entries); err != nil || len(entries) != len(before)+2 {
		t.Fatalf("export: %d entries, %v", len(entries), err)
	}
	if !strings.Contains(exp.Header.Get("Content-Disposition"), "faq-demo.json") {
		t.Fatalf("export headers: %v", exp.Header)
	}
}

// restartWithoutIndex stops m, deletes its FAQ index and starts kefu
// again on dir.
func restartWithoutIndex(t *testing.T, m *Main, dir string) *Main {
	t.Helper()
	if err := m.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "faq-index")); err != nil {
		t.Fatal(err)
	}
	m2, _ := startMain(t, testConfig(t, dir))
	return m2
}

func TestIndexRebuiltForEverySite(t *testing.T) {
	dir := t.TempDir()
	m, _ := startMain(t, testConfig(t, dir))
	ctx := context.Background()
	now := time.Now()
	if err := m.Store().CreateSite(ctx, &chat.Site{Key: "second", Name: "Second", CreatedAt: now, UpdatedAt: now}); err != nil {
		t.Fatal(err)
	}
	f := chat.FAQ{ID: "kite", Site: "second", Lang: "en", Category: "x", Question: "Do you sell kites?", Answer: "Yes.", Published: true, UpdatedAt: now}
	if err := m.Store().SaveFAQ(ctx, &f); err != nil {
		t.Fatal(err)
	}
	// The index is lost; the next start rebuilds it for both sites.
	m2 := restartWithoutIndex(t, m, dir)
	defer m2.Close(ctx)
	c := client.New(m2.URL())
	if r := suggest(t, c, "second", "en", "kites"); !hasQuestion(r, "Do you sell kites?") {
		t.Fatalf("second site's FAQ not rebuilt: %+v", r)
	}
	if r := suggest(t, c, "demo", "zh-CN", "提现"); len(r.Results) == 0 {
		t.Fatal("demo site's FAQ not rebuilt")
	}
}

func TestDeflectionCounts(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	ctx := context.Background()
	c := client.New(m.URL())
	r := suggest(t, c, "demo", "zh-CN", "提现多久到账")
	if len(r.Results) == 0 {
		t.Fatal("no suggestion")
	}
	id := r.Results[0].ID
	event := func(token, typ string) error {
		return c.Do(ctx, "POST", "/api/v1/widget/demo/faq/"+id+"/events", token, map[string]string{"type": typ}, nil)
	}
	// Counting takes a visitor session, and each visitor counts once per
	// entry and kind: 10 "solved" from one visitor are one.
	if err := event("", "solved"); err == nil {
		t.Fatal("an anonymous event was counted")
	}
	for i := range 2 {
		sess, err := c.NewSession(ctx, "demo", nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			if err := event(sess.Token, "open"); err != nil {
				t.Fatal(err)
			}
		}
		if i == 0 {
			for range 10 {
				if err := event(sess.Token, "solved"); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	err = event(sess.Token, "$inc")
	if ae, ok := err.(*client.APIError); !ok || ae.Status != 400 {
		t.Fatalf("bad event type: %v", err)
	}
	token, err := c.Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		FAQ chat.FAQ `json:"faq"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/faq/"+id, token, nil, &got); err != nil {
		t.Fatal(err)
	}
	if got.FAQ.Views != 2 || got.FAQ.Solved != 1 {
		t.Fatalf("counts = %d views, %d solved; want 2 and 1", got.FAQ.Views, got.FAQ.Solved)
	}
}

// FAQ answers come in the visitor's language first; another language's
// come only when nothing in the visitor's answers well, and say which
// language they are in (on the demo FAQ, which has zh-CN and en entries).
func TestFAQAnswersInTheVisitorsLanguageFirst(t *testing.T) {
	m, _ := startMain(t, testConfig(t, t.TempDir()))
	defer m.Close(context.Background())
	c := client.New(m.URL())
	type result struct {
		ID   string `json:"id"`
		Lang string `json:"lang"`
	}
	search := func(lang, q string) []result {
		var r struct {
			Results []result `json:"results"`
		}
		if err := c.Do(context.Background(), "GET", fmt.Sprintf("/api/v1/widget/demo/faq?lang=%s&limit=5&q=%s", lang, url.QueryEscape(q)), "", nil, &r); err != nil {
			t.Fatal(err)
		}
		return r.Results
	}
	tests := []struct{ lang, q, prefix, wantLang string }{
		{"zh-CN", "2FA", "zh-", ""},      // both languages hold 2FA: Chinese only
		{"en", "2fa", "en-", ""},         // and English only
		{"zh-CN", "KYC", "zh-", ""},      // the same for KYC
		{"zh-CN", "refund", "en-", "en"}, // no Chinese entry holds it: English, marked
		{"en", "退款", "zh-", "zh-CN"},     // and the other way round
	}
	for _, tt := range tests {
		got := search(tt.lang, tt.q)
		if len(got) == 0 {
			t.Errorf("%s %q: no results", tt.lang, tt.q)
		}
		for _, r := range got {
			if !strings.HasPrefix(r.ID, tt.prefix) || r.Lang != tt.wantLang {
				t.Errorf("%s %q = %+v, want only %s… entries with lang %q", tt.lang, tt.q, got, tt.prefix, tt.wantLang)
				break
			}
		}
	}
}
