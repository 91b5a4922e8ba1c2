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

type cannedList struct {
	Canned    []chat.Canned `json:"canned"`
	Languages []string      `json:"languages"`
}

// TestCannedAPI covers what the inbox relies on: admins create, edit and
// delete a site's canned replies; every agent of the site lists them, by
// language; an agent may not write them; bad input, a taken shortcut and
// another site's reply each get their own clear answer.
func TestCannedAPI(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	_, ownerB := e.mustAgentWithRole(ctx, e.store, "owner-b@example.com", "site-b", chat.RoleOwner)
	c := e.client()
	var ae *client.APIError
	wantErr := func(what string, err error, status int, inMessage string) {
		t.Helper()
		if !errors.As(err, &ae) || ae.Status != status || !strings.Contains(ae.Message, inMessage) {
			t.Errorf("%s: %v, want %d with %q", what, err, status, inMessage)
		}
	}
	save := func(method, path, token string, body map[string]string) (chat.Canned, error) {
		t.Helper()
		var res struct{ Canned chat.Canned }
		err := c.Do(ctx, method, path, token, body, &res)
		return res.Canned, err
	}
	list := func(token, query string) cannedList {
		t.Helper()
		var res cannedList
		if err := c.Do(ctx, "GET", "/api/v1/canned"+query, token, nil, &res); err != nil {
			t.Fatalf("list %s: %v", query, err)
		}
		return res
	}

	refund, err := save("POST", "/api/v1/canned", admin, map[string]string{"shortcut": "/Refund", "lang": "zh-cn", "text": "您的退款已受理。"})
	if err != nil {
		t.Fatal(err)
	}
	if refund.ID == "" || refund.Site != "site-a" || refund.Shortcut != "refund" || refund.Lang != "zh-CN" || refund.UpdatedByName != "Agent site-a" {
		t.Errorf("created %+v", refund)
	}
	if _, err := save("POST", "/api/v1/canned?site=site-a", admin, map[string]string{"shortcut": "hello", "text": "Hello! How can I help?"}); err != nil {
		t.Fatal(err)
	}

	// Every agent of the site reads them, in shortcut order, with the
	// languages a reply may have.
	got := list(e.agentA, "?site=site-a")
	if len(got.Canned) != 2 || got.Canned[0].Shortcut != "hello" || got.Canned[1].Text != "您的退款已受理。" {
		t.Errorf("the agent's list: %+v", got.Canned)
	}
	if !slices.Equal(got.Languages, chat.Languages()) {
		t.Errorf("languages %v, want every language for a site that names none", got.Languages)
	}
	if got := list(e.agentA, "?lang=en"); len(got.Canned) != 1 || got.Canned[0].Shortcut != "hello" {
		t.Errorf("the list for en: %+v, want the reply for any language only", got.Canned)
	}
	err = c.Do(ctx, "GET", "/api/v1/canned?lang=klingon", e.agentA, nil, nil)
	wantErr("a list for an unknown language", err, http.StatusBadRequest, "zh-CN")

	// An agent may read but not write.
	_, err = save("POST", "/api/v1/canned", e.agentA, map[string]string{"shortcut": "mine", "text": "t"})
	wantErr("an agent creates", err, http.StatusForbidden, "admin")
	_, err = save("PUT", "/api/v1/canned/"+refund.ID, e.agentA, map[string]string{"shortcut": "mine", "text": "t"})
	wantErr("an agent edits", err, http.StatusForbidden, "admin")
	err = c.Do(ctx, "DELETE", "/api/v1/canned/"+refund.ID, e.agentA, nil, nil)
	wantErr("an agent deletes", err, http.StatusForbidden, "admin")

	// Bad input, and a taken shortcut.
	for _, tt := range []struct {
		name, inMessage string
		body            map[string]string
	}{
		{"a space in the shortcut", "shortcut", map[string]string{"shortcut": "re fund", "text": "t"}},
		{"no shortcut", "shortcut", map[string]string{"text": "t"}},
		{"a long shortcut", "shortcut", map[string]string{"shortcut": strings.Repeat("a", 33), "text": "t"}},
		{"no text", "text is empty", map[string]string{"shortcut": "x", "text": "  "}},
		{"a long text", "longer than", map[string]string{"shortcut": "x", "text": strings.Repeat("字", chat.MaxTextRunes+1)}},
		{"an unknown language", "lang", map[string]string{"shortcut": "x", "lang": "xx", "text": "t"}},
	} {
		_, err := save("POST", "/api/v1/canned", admin, tt.body)
		wantErr(tt.name, err, http.StatusBadRequest, tt.inMessage)
	}
	_, err = save("POST", "/api/v1/canned", admin, map[string]string{"shortcut": "REFUND", "lang": "zh-CN", "text": "again"})
	wantErr("a taken shortcut", err, http.StatusConflict, "/refund is taken")
	// The same shortcut in another language is another reply.
	en, err := save("POST", "/api/v1/canned", admin, map[string]string{"shortcut": "refund", "lang": "en", "text": "Your refund is on its way."})
	if err != nil {
		t.Fatal(err)
	}
	_, err = save("PUT", "/api/v1/canned/"+en.ID, admin, map[string]string{"shortcut": "refund", "lang": "zh-CN", "text": "x"})
	wantErr("an edit onto a taken shortcut", err, http.StatusConflict, "/refund is taken")

	// An edit keeps the id; the list shows it.
	edited, err := save("PUT", "/api/v1/canned/"+refund.ID, admin, map[string]string{"shortcut": "tuikuan", "lang": "zh-CN", "text": "退款已原路返回。"})
	if err != nil {
		t.Fatal(err)
	}
	if edited.ID != refund.ID || edited.Shortcut != "tuikuan" || !edited.CreatedAt.Equal(refund.CreatedAt) {
		t.Errorf("edited %+v", edited)
	}
	if got := list(e.agentA, ""); len(got.Canned) != 3 || got.Canned[2].Shortcut != "tuikuan" || got.Canned[2].Text != "退款已原路返回。" {
		t.Errorf("the list after the edit: %+v", got.Canned)
	}

	// Site b's owner finds nothing of site a's, by id or by name.
	_, err = save("PUT", "/api/v1/canned/"+refund.ID, ownerB, map[string]string{"shortcut": "x", "text": "t"})
	wantErr("another site's reply, edited", err, http.StatusNotFound, "not found")
	err = c.Do(ctx, "DELETE", "/api/v1/canned/"+refund.ID, ownerB, nil, nil)
	wantErr("another site's reply, deleted", err, http.StatusNotFound, "not found")
	err = c.Do(ctx, "GET", "/api/v1/canned?site=site-a", ownerB, nil, nil)
	wantErr("another site's list", err, http.StatusNotFound, "not found")
	if got := list(ownerB, ""); len(got.Canned) != 0 {
		t.Errorf("site b lists %+v", got.Canned)
	}

	if err := c.Do(ctx, "DELETE", "/api/v1/canned/"+refund.ID, admin, nil, nil); err != nil {
		t.Fatal(err)
	}
	err = c.Do(ctx, "DELETE", "/api/v1/canned/"+refund.ID, admin, nil, nil)
	wantErr("a deleted reply, deleted again", err, http.StatusNotFound, "not found")
	if got := list(e.agentA, ""); len(got.Canned) != 2 {
		t.Errorf("after the delete: %+v", got.Canned)
	}
}
