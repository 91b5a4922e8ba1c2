package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// Agents search their site's conversations by a Chinese word of one or
// two characters and by an English stem; another site's agent finds
// nothing of them; results page with the list's cursor; a bad search is a
// clear 400.
func TestSearchConversations(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	pay, refund, quiet := e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-a")
	say := func(v *visitor, text string) {
		t.Helper()
		if _, err := c.Reply(ctx, e.agentA, v.conv.ID, text, "c"+strings.ReplaceAll(time.Now().Format("150405.000000000"), ".", "")); err != nil {
			t.Fatal(err)
		}
	}
	say(pay, "您的充值已经到账了")
	say(refund, "We refunded the order yesterday")
	say(refund, "退款已处理")
	say(quiet, "hello")

	type page struct {
		Conversations []struct {
			ID string `json:"id"`
		} `json:"conversations"`
		Next string `json:"next_cursor"`
	}
	search := func(token, q, more string) page {
		t.Helper()
		var out page
		if err := c.Do(ctx, "GET", "/api/v1/conversations?q="+url.QueryEscape(q)+more, token, nil, &out); err != nil {
			t.Fatalf("search %q: %v", q, err)
		}
		return out
	}
	ids := func(p page) []string {
		var got []string
		for _, cv := range p.Conversations {
			got = append(got, cv.ID)
		}
		return got
	}
	for q, want := range map[string][]string{
		"充值":        {pay.conv.ID},
		"退":         {refund.conv.ID},
		"refunds":   {refund.conv.ID},
		"REFUNDING": {refund.conv.ID},
		"nothing":   nil,
	} {
		if got := ids(search(e.agentA, q, "&site=site-a")); !slices.Equal(got, want) {
			t.Errorf("search %q: %v, want %v", q, got, want)
		}
	}
	if got := ids(search(e.agentB, "充值", "")); len(got) != 0 {
		t.Errorf("site B's agent found site A's conversations: %v", got)
	}
	// Paging: one per page, newest match first, each once.
	var got []string
	cursor := ""
	for range 5 {
		p := search(e.agentA, "已", "&site=site-a&limit=1"+cursor)
		got = append(got, ids(p)...)
		if p.Next == "" {
			break
		}
		cursor = "&cursor=" + url.QueryEscape(p.Next)
	}
	if want := []string{refund.conv.ID, pay.conv.ID}; !slices.Equal(got, want) {
		t.Errorf("pages of one: %v, want %v", got, want)
	}
	// The list's filters narrow a search.
	if got := ids(search(e.agentA, "已", "&site=site-a&status=resolved")); len(got) != 0 {
		t.Errorf("status=resolved found open conversations: %v", got)
	}
	if err := c.Do(ctx, "POST", "/api/v1/conversations/"+pay.conv.ID+"/assign?site=site-a", e.agentA, map[string]string{"agent_id": e.agentAID}, nil); err != nil {
		t.Fatal(err)
	}
	for more, want := range map[string][]string{"&assignee=me": {pay.conv.ID}, "&assignee=none": {refund.conv.ID}} {
		if got := ids(search(e.agentA, "已", "&site=site-a"+more)); !slices.Equal(got, want) {
			t.Errorf("search 已 with %s: %v, want %v", more, got, want)
		}
	}
	// And so does visitor=, as the visitor panel lists one visitor's.
	if got := ids(search(e.agentA, "已", "&site=site-a&visitor="+pay.conv.VisitorID)); !slices.Equal(got, []string{pay.conv.ID}) {
		t.Errorf("search 已 of one visitor: %v, want only %s", got, pay.conv.ID)
	}
	for _, bad := range []string{"?q=" + url.QueryEscape(" ;; "), "?q=" + strings.Repeat("x", 201), "?q=a&cursor=!!"} {
		wantStatus(t, c.Do(ctx, "GET", "/api/v1/conversations"+bad+"&site=site-a", e.agentA, nil, nil), http.StatusBadRequest)
	}
}

// An agent's FAQ lookup needs words, and not a whole essay.
func TestAgentFAQSuggestChecksItsQuery(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	for _, bad := range []string{"", "q=", "q=" + strings.Repeat("x", 1001), "q=a&limit=0"} {
		wantStatus(t, c.Do(ctx, "GET", "/api/v1/faq/suggest?site=site-a&"+bad, e.agentA, nil, nil), http.StatusBadRequest)
	}
	var out struct {
		Results []any `json:"results"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/faq/suggest?site=site-a&q=hello", e.agentA, nil, &out); err != nil || out.Results == nil {
		t.Errorf("a lookup: %v, results %v", err, out.Results)
	}
}
