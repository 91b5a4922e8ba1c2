package server_test

import (
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/report"
)

// TestReportsAPI: conversations started, answered, resolved and rated
// through the API show in the report; an agent gets their own figures
// only, an admin the site's or an agent's; the CSV download has a row per
// day and a total; bad input gets 400.
func TestReportsAPI(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	agentID, agent := e.mustAgentWithRole(ctx, e.store, "agent@example.com", "site-a", chat.RoleAgent)
	adminID, admin := e.mustAgentWithRole(ctx, e.store, "admin@example.com", "site-a", chat.RoleAdmin)
	c := e.client()

	answered := e.mustVisitor(ctx, "site-a")
	e.mustVisitor(ctx, "site-a") // nobody answers; not missed yet
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	id := answered.conv.ID
	must(c.Do(ctx, "POST", "/api/v1/conversations/"+id+"/assign", agent, map[string]string{"agent_id": agentID}, nil))
	_, err := c.Reply(ctx, agent, id, "您好", "r1")
	must(err)
	must(c.Do(ctx, "POST", "/api/v1/conversations/"+id+"/status", agent, map[string]string{"status": "resolved"}, nil))
	must(c.Do(ctx, "POST", "/api/v1/widget/site-a/conversations/"+id+"/rating", answered.sess.Token, map[string]any{"rating": 4}, nil))

	get := func(token, query string) report.Report {
		t.Helper()
		var res struct{ Report report.Report }
		must(c.Do(ctx, "GET", "/api/v1/reports"+query, token, nil, &res))
		return res.Report
	}
	site := get(admin, "")
	if len(site.Days) != report.DefaultDays || site.Total.Conversations != 2 || site.Total.Answered != 1 || site.Total.Resolved != 1 ||
		site.Total.Missed != 0 || site.Total.CSAT.Ratings != [5]int{0, 0, 0, 1, 0} || site.Total.FirstResponse.Count != 1 || site.Total.Resolution.Count != 1 {
		t.Errorf("the site's report: %d days, %+v", len(site.Days), site.Total)
	}
	if month := get(admin, "?days=30"); len(month.Days) != 30 || month.Total.Conversations != 2 {
		t.Errorf("30 days: %d days, %d conversations", len(month.Days), month.Total.Conversations)
	}
	if today := site.Days[len(site.Days)-1]; today.Conversations != 2 {
		t.Errorf("today has %d conversations, want 2", today.Conversations)
	}
	for _, r := range []report.Report{get(agent, ""), get(agent, "?agent=me"), get(admin, "?agent="+agentID)} {
		if r.Agent != agentID || r.Total.Conversations != 1 || r.Total.Answered != 1 {
			t.Errorf("the agent's report: agent %q, %+v", r.Agent, r.Total)
		}
	}
	if r := get(admin, "?agent=me"); r.Agent != adminID || r.Total.Conversations != 0 {
		t.Errorf("the admin's own report: agent %q, %d conversations", r.Agent, r.Total.Conversations)
	}
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/reports?agent="+adminID, agent, nil, nil), http.StatusForbidden)
	for _, q := range []string{"?format=xml", "?from=yesterday&to=today", "?from=2026-03-02", "?from=2026-03-02&to=2026-03-01", "?agent=a%20b", "?days=0", "?days=x", "?days=367"} {
		var out any
		if err := c.Do(ctx, "GET", "/api/v1/reports"+q, admin, nil, &out); err == nil {
			t.Errorf("%s: no error", q)
		} else {
			wantStatus(t, err, http.StatusBadRequest)
		}
	}

	req, _ := http.NewRequest("GET", e.url+"/api/v1/reports?format=csv&site=site-a&from="+site.From+"&to="+site.To, nil)
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	must(err)
	defer res.Body.Close()
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
		res.Header.Get("Content-Disposition") != `attachment; filename="report-site-a-`+site.From+"-"+site.To+`.csv"` {
		t.Errorf("csv: %d %q %q", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"))
	}
	rows, err := csv.NewReader(res.Body).ReadAll()
	must(err)
	if len(rows) != report.DefaultDays+2 || rows[0][1] != "conversations" || rows[len(rows)-1][0] != "total" || rows[len(rows)-1][1] != "2" {
		t.Errorf("csv rows: %v", rows)
	}
}
