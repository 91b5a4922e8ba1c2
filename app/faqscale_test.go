package app

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// TestLargeFAQHasNoSilentCaps fills a site with more entries than the old
// 5,000 cap, all sorting before the sample FAQ, and checks that the index
// rebuild, the agents' listing, the export and the widget's list still
// reach every entry, the sample ones included.
func TestLargeFAQHasNoSilentCaps(t *testing.T) {
	dir := t.TempDir()
	m, _ := startMain(t, testConfig(t, dir))
	ctx := context.Background()
	sample, err := m.Store().ListFAQ(ctx, "demo", "", nil, 1000)
	if err != nil {
		t.Fatal(err)
	}
	const bulk = 5_100
	fs := make([]chat.FAQ, bulk)
	for i := range fs {
		fs[i] = chat.FAQ{ID: fmt.Sprintf("bulk%05d", i), Lang: "en", Category: "bulk", Published: true,
			Question: fmt.Sprintf("Bulk question %d", i), Answer: "a", Order: -1, UpdatedAt: time.Now()}
	}
	fs[bulk-1].Question = "Where is the walrus?"
	// In batches: one call is bounded by the store's 10 s, which 5,100
	// rows can pass under -race on a busy machine.
	for from := 0; from < bulk; from += 500 {
		if err := m.Store().SaveFAQs(ctx, "demo", fs[from:min(from+500, bulk)]); err != nil {
			t.Fatal(err)
		}
	}
	m2 := restartWithoutIndex(t, m, dir)
	defer m2.Close(ctx)
	c := client.New(m2.URL())

	if r := suggest(t, c, "demo", "zh-CN", "提现"); len(r.Results) == 0 {
		t.Error("the rebuilt index lost the sample FAQ")
	}
	if r := suggest(t, c, "demo", "en", "walrus"); !hasQuestion(r, "Where is the walrus?") {
		t.Errorf("the rebuilt index lost the last bulk entry: %+v", r)
	}

	token, err := c.Login(ctx, "admin@example.com", m.AdminPassword, "")
	if err != nil {
		t.Fatal(err)
	}
	want := bulk + len(sample)
	seen := map[string]bool{}
	for cursor, pages := "", 0; ; pages++ {
		var page struct {
			FAQ  []chat.FAQ `json:"faq"`
			Next string     `json:"next_cursor"`
		}
		if err := c.Do(ctx, "GET", "/api/v1/faq?limit=500&cursor="+cursor, token, nil, &page); err != nil {
			t.Fatal(err)
		}
		for _, f := range page.FAQ {
			seen[f.ID] = true
		}
		if cursor = page.Next; cursor == "" || pages > want/500+1 {
			break
		}
	}
	if len(seen) != want {
		t.Errorf("paging GET /api/v1/faq saw %d entries, want %d", len(seen), want)
	}

	req, _ := http.NewRequest("GET", m2.URL()+"/api/v1/faq/export?format=json", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var exported []chat.FAQ
	if err := json.NewDecoder(res.Body).Decode(&exported); err != nil || len(exported) != want {
		t.Errorf("export has %d entries (%v), want %d", len(exported), err, want)
	}

	// Before the visitor types, the widget lists the first entries of each
	// category in the visitor's language.
	var top faqResults
	if err := c.Do(ctx, "GET", "/api/v1/widget/demo/faq?lang=zh-CN&limit=2", "", nil, &top); err != nil {
		t.Fatal(err)
	}
	if len(top.Results) == 0 {
		t.Error("the widget's list has no sample entries")
	}
	for _, r := range top.Results {
		if len(r.ID) > 4 && r.ID[:4] == "bulk" {
			t.Errorf("an English bulk entry is in the Chinese list: %+v", r)
		}
	}
}
