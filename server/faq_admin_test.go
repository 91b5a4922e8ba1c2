package server_test

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

type faqList struct {
	FAQ        []chat.FAQ `json:"faq"`
	NextCursor string     `json:"next_cursor"`
	Languages  []string   `json:"languages"`
}

// TestFAQEditorAPI covers what the inbox's FAQ editor relies on: the list
// by language (validated, pageable), a new entry placed after its
// language's last, an edit without an order keeping its place, and a move
// up among the entries of its language.
func TestFAQEditorAPI(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	_, token := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	c := e.client()
	create := func(lang, q string) chat.FAQ {
		t.Helper()
		var res struct{ FAQ chat.FAQ }
		body := map[string]any{"lang": lang, "category": "c", "question": q, "answer": "A"}
		if err := c.Do(ctx, "POST", "/api/v1/faq", token, body, &res); err != nil {
			t.Fatalf("create %s: %v", q, err)
		}
		return res.FAQ
	}
	e1, e2, z1 := create("en", "E1"), create("en", "E2"), create("zh-cn", "Z1")
	if e1.Order != chat.OrderStep || e2.Order != 2*chat.OrderStep || z1.Order != chat.OrderStep || z1.Lang != "zh-CN" {
		t.Errorf("new entries' orders: en %d, %d; %s %d; want each language's last + %d", e1.Order, e2.Order, z1.Lang, z1.Order, chat.OrderStep)
	}
	list := func(query string) []string {
		t.Helper()
		var res faqList
		if err := c.Do(ctx, "GET", "/api/v1/faq?"+query, token, nil, &res); err != nil {
			t.Fatalf("list %s: %v", query, err)
		}
		if !slices.Equal(res.Languages, chat.Languages()) {
			t.Errorf("list gives languages %v, want chat.Languages()", res.Languages)
		}
		var out []string
		for _, f := range res.FAQ {
			out = append(out, f.Question)
		}
		if res.NextCursor != "" {
			out = append(out, "cursor:"+res.NextCursor)
		}
		return out
	}
	if got := list("lang=ZH-cn"); !slices.Equal(got, []string{"Z1"}) {
		t.Errorf("lang=ZH-cn lists %v, want Z1 only", got)
	}
	if got := list(""); len(got) != 3 {
		t.Errorf("no lang lists %v, want all three", got)
	}
	page := list("lang=en&limit=1")
	if len(page) != 2 || page[0] != "E1" {
		t.Fatalf("first page of en by 1: %v", page)
	}
	if got := list("lang=en&limit=1&cursor=" + strings.TrimPrefix(page[1], "cursor:")); got[0] != "E2" {
		t.Errorf("second page of en by 1: %v, want E2", got)
	}
	var ae *client.APIError
	if err := c.Do(ctx, "GET", "/api/v1/faq?lang=klingon", token, nil, nil); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest || !strings.Contains(ae.Message, "zh-CN") {
		t.Errorf("lang=klingon: %v, want 400 naming the languages", err)
	}

	var moved struct{ FAQ chat.FAQ }
	if err := c.Do(ctx, "POST", "/api/v1/faq/"+e2.ID+"/move", token, map[string]int{"by": -1}, &moved); err != nil {
		t.Fatal(err)
	}
	if got := list("lang=en"); !slices.Equal(got, []string{"E2", "E1"}) || moved.FAQ.Order != chat.OrderStep {
		t.Errorf("after moving E2 up: %v, E2 at %d; want E2, E1 with E2 at %d", got, moved.FAQ.Order, chat.OrderStep)
	}
	if err := c.Do(ctx, "POST", "/api/v1/faq/"+e2.ID+"/move", token, map[string]int{"by": 3}, nil); !errors.As(err, &ae) || ae.Status != http.StatusBadRequest {
		t.Errorf("move by 3: %v, want 400", err)
	}
	// An edit without an order keeps the entry's place.
	body := map[string]any{"lang": "en", "category": "c", "question": "E1 edited", "answer": "A"}
	if err := c.Do(ctx, "PUT", "/api/v1/faq/"+e1.ID, token, body, nil); err != nil {
		t.Fatal(err)
	}
	if got := list("lang=en"); !slices.Equal(got, []string{"E2", "E1 edited"}) {
		t.Errorf("after an edit without order: %v", got)
	}
	body["order"] = 0
	if err := c.Do(ctx, "PUT", "/api/v1/faq/"+e1.ID, token, body, nil); err != nil {
		t.Fatal(err)
	}
	if got := list("lang=en"); !slices.Equal(got, []string{"E1 edited", "E2"}) {
		t.Errorf("after an edit to order 0: %v", got)
	}
}
