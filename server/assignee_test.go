package server_test

import (
	"net/http"
	"slices"
	"testing"
)

// The list keeps the conversations of one assignee when asked: mine,
// nobody's, or one agent's; a malformed one is refused.
func TestListByAssignee(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	mine, theirs, nobody := e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-a")
	otherID, _ := e.mustAgent(ctx, e.store, "other@example.com", "site-a")
	if err := c.Do(ctx, "POST", "/api/v1/conversations/"+mine.conv.ID+"/assign?site=site-a", e.agentA, map[string]string{"agent_id": e.agentAID}, nil); err != nil {
		t.Fatal(err)
	}
	if err := c.Do(ctx, "POST", "/api/v1/conversations/"+theirs.conv.ID+"/assign?site=site-a", e.agentA, map[string]string{"agent_id": otherID}, nil); err != nil {
		t.Fatal(err)
	}
	ids := func(q string) []string {
		t.Helper()
		var out struct {
			Conversations []struct {
				ID string `json:"id"`
			} `json:"conversations"`
		}
		if err := c.Do(ctx, "GET", "/api/v1/conversations?site=site-a"+q, e.agentA, nil, &out); err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, cv := range out.Conversations {
			got = append(got, cv.ID)
		}
		slices.Sort(got)
		return got
	}
	for q, want := range map[string][]string{
		"&assignee=me":         {mine.conv.ID},
		"&assignee=none":       {nobody.conv.ID},
		"&assignee=" + otherID: {theirs.conv.ID},
		"":                     {mine.conv.ID, theirs.conv.ID, nobody.conv.ID},
	} {
		slices.Sort(want)
		if got := ids(q); !slices.Equal(got, want) {
			t.Errorf("%q: %v, want %v", q, got, want)
		}
	}
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/conversations?site=site-a&assignee=a%20b", e.agentA, nil, nil), http.StatusBadRequest)
}
