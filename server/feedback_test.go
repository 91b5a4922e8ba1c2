package server_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// TestFeedbackWorkflow follows one piece of feedback from the widget to
// the team: a visitor leaves it (and is shown no note), an admin moves it
// to planned with a note, the listing filters by status and category,
// and bad input, agents and another site are refused.
func TestFeedbackWorkflow(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	_, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	_, ownerB := e.mustAgentWithRole(ctx, e.store, "owner-b@example.com", "site-b", chat.RoleOwner)

	v := e.mustVisitor(ctx, "site-a")
	var left struct {
		Feedback map[string]any `json:"feedback"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/widget/site-a/feedback", v.sess.Token,
		map[string]string{"category": "bug", "text": "The button does nothing"}, &left)
	if err != nil {
		t.Fatal(err)
	}
	id, _ := left.Feedback["id"].(string)
	if _, shown := left.Feedback["note"]; shown || left.Feedback["status"] != "new" {
		t.Errorf("the visitor is shown %v; want status new and no note", left.Feedback)
	}

	type answer struct {
		Feedback chat.Feedback `json:"feedback"`
	}
	var got answer
	if err := c.Do(ctx, http.MethodPatch, "/api/v1/feedback/"+id, admin, map[string]string{"status": "planned", "note": "Fix in 2.1"}, &got); err != nil {
		t.Fatal(err)
	}
	if f := got.Feedback; f.ID != id || f.Status != chat.FeedbackPlanned || f.Note != "Fix in 2.1" || f.UpdatedByName != "Agent site-a" || f.UpdatedAt.IsZero() {
		t.Errorf("PATCH answered %+v", f)
	}
	// A note alone keeps the status.
	if err := c.Do(ctx, http.MethodPatch, "/api/v1/feedback/"+id+"?site=site-a", admin, map[string]string{"note": "Fix in 2.2"}, &got); err != nil {
		t.Fatal(err)
	}
	if got.Feedback.Status != chat.FeedbackPlanned || got.Feedback.Note != "Fix in 2.2" {
		t.Errorf("after a note alone: %+v", got.Feedback)
	}

	list := func(query string) []string {
		t.Helper()
		var out struct {
			Feedback []chat.Feedback `json:"feedback"`
		}
		if err := c.Do(ctx, http.MethodGet, "/api/v1/feedback"+query, admin, nil, &out); err != nil {
			t.Fatalf("GET /api/v1/feedback%s: %v", query, err)
		}
		var ids []string
		for _, f := range out.Feedback {
			ids = append(ids, f.ID)
		}
		return ids
	}
	for _, tt := range []struct {
		name, query string
		n           int
	}{
		{"all", "", 1},
		{"planned", "?status=planned", 1},
		{"new", "?status=new", 0},
		{"planned bugs", "?status=planned&category=bug&limit=10", 1},
		{"praise", "?category=praise", 0},
	} {
		if got := list(tt.query); len(got) != tt.n {
			t.Errorf("%s: listed %v, want %d", tt.name, got, tt.n)
		}
	}

	for _, tt := range []struct {
		name, method, path, token string
		body                      any
		status                    int
		code, says                string
	}{
		{"bad status", http.MethodPatch, "/api/v1/feedback/" + id, admin, map[string]string{"status": "closed"}, 400, "invalid", "status must be new, planned, done or declined"},
		{"long note", http.MethodPatch, "/api/v1/feedback/" + id, admin, map[string]string{"note": strings.Repeat("x", 2001)}, 400, "invalid", "longer than 2000"},
		{"nothing", http.MethodPatch, "/api/v1/feedback/" + id, admin, map[string]string{}, 400, "invalid", "nothing to change"},
		{"bad status filter", http.MethodGet, "/api/v1/feedback?status=open", admin, nil, 400, "invalid", "status must be"},
		{"bad category filter", http.MethodGet, "/api/v1/feedback?category=rant", admin, nil, 400, "invalid", "category must be"},
		{"agent", http.MethodPatch, "/api/v1/feedback/" + id, e.agentA, map[string]string{"status": "done"}, 403, "forbidden", ""},
		{"another site's owner", http.MethodPatch, "/api/v1/feedback/" + id, ownerB, map[string]string{"status": "done"}, 404, "not_found", ""},
		{"another site named", http.MethodPatch, "/api/v1/feedback/" + id + "?site=site-b", admin, map[string]string{"status": "done"}, 404, "not_found", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := c.Do(ctx, tt.method, tt.path, tt.token, tt.body, nil)
			var ae *client.APIError
			if !errors.As(err, &ae) || ae.Status != tt.status || ae.Code != tt.code || !strings.Contains(ae.Message, tt.says) {
				t.Errorf("%s %s = %v, want %d %s saying %q", tt.method, tt.path, err, tt.status, tt.code, tt.says)
			}
		})
	}
	if ids := list("?status=planned"); len(ids) != 1 {
		t.Errorf("after the refused changes, planned: %v", ids)
	}
}
