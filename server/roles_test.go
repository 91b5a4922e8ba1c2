package server_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// roleRoute is one agent endpoint, with the least role that may use it.
type roleRoute struct {
	method, path, body string
	min                chat.Role
}

// TestRolesOnEveryRoute walks every agent endpoint with an agent, an admin
// and an owner of site-a. One whose role is too low gets 403 forbidden on
// site-a's resources; every role gets 404 for site-b's, as if they did not
// exist. The route table must list every agent route that the server
// has, so a new route cannot be left out.
func TestRolesOnEveryRoute(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	// Some 250 requests and three password hashes: more than ctxT's 20 s
	// under -race on a busy machine.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	va, vb := e.mustVisitor(ctx, "site-a"), e.mustVisitor(ctx, "site-b")
	convA, convB := va.conv.ID, vb.conv.ID
	visitorOf := map[string]string{"site-a": va.conv.VisitorID, "site-b": vb.conv.VisitorID, ":key": ":id"}
	faqs, feedback, canned := map[string]string{}, map[string]string{}, map[string]string{}
	for _, site := range []string{"site-a", "site-b"} {
		f := &chat.FAQ{Site: site, Lang: "en", Category: "c", Question: "Q " + site, Answer: "A", Published: true, UpdatedAt: time.Now()}
		if err := e.store.SaveFAQ(ctx, f); err != nil {
			t.Fatal(err)
		}
		faqs[site] = f.ID
		fb := &chat.Feedback{Site: site, Category: "bug", Text: "broken " + site, CreatedAt: time.Now()}
		if err := e.store.CreateFeedback(ctx, fb); err != nil {
			t.Fatal(err)
		}
		feedback[site] = fb.ID
		cr := &chat.Canned{Site: site, Shortcut: "hello", Text: "Hello from " + site, CreatedAt: time.Now(), UpdatedAt: time.Now()}
		if err := e.store.CreateCanned(ctx, cr); err != nil {
			t.Fatal(err)
		}
		canned[site] = cr.ID
	}
	cannedBody := `{"shortcut":"refund","text":"Your refund is on its way."}`
	faqBody := `{"lang":"en","category":"c","question":"How?","answer":"So."}`
	agentB, err := e.store.AgentByEmail(ctx, "b@example.com")
	if err != nil {
		t.Fatal(err)
	}
	agentBID := agentB.ID
	routes := func(site, conv, faq, fb, agent, cr string) []roleRoute {
		return []roleRoute{
			{"GET", "/api/v1/me", "", chat.RoleAgent},
			{"GET", "/api/v1/agents", "", chat.RoleAgent},
			{"POST", "/api/v1/agents", `{"email":"bad","name":"X","role":"agent"}`, chat.RoleOwner},
			{"PATCH", "/api/v1/agents/" + agent, `{"name":"Renamed"}`, chat.RoleOwner},
			{"GET", "/api/v1/sites", "", chat.RoleAgent},
			{"POST", "/api/v1/sites", `{"name":""}`, chat.RoleOwner},
			{"GET", "/api/v1/sites/" + site, "", chat.RoleAgent},
			{"PATCH", "/api/v1/sites/" + site, `{"name":"Renamed"}`, chat.RoleAdmin},
			{"POST", "/api/v1/sites/" + site + "/identity-secret", "", chat.RoleAdmin},
			{"POST", "/api/v1/sites/" + site + "/logo", `{"image":"bad"}`, chat.RoleAdmin},
			{"POST", "/api/v1/me/password", `{"current_password":"wrong-password","new_password":"another-password"}`, chat.RoleAgent},
			{"POST", "/api/v1/me/totp", `{"current_password":"wrong-password"}`, chat.RoleAgent},
			{"POST", "/api/v1/me/totp/confirm", `{"code":"000000"}`, chat.RoleAgent},
			{"DELETE", "/api/v1/me/totp", `{"code":"000000"}`, chat.RoleAgent},
			{"GET", "/api/v1/conversations", "", chat.RoleAgent},
			{"GET", "/api/v1/conversations/" + conv, "", chat.RoleAgent},
			{"GET", "/api/v1/conversations/" + conv + "/messages", "", chat.RoleAgent},
			{"POST", "/api/v1/conversations/" + conv + "/messages", `{"text":"hi"}`, chat.RoleAgent},
			{"POST", "/api/v1/conversations/" + conv + "/status", `{"status":"pending"}`, chat.RoleAgent},
			{"POST", "/api/v1/conversations/" + conv + "/assign", `{"agent_id":""}`, chat.RoleAgent},
			{"POST", "/api/v1/conversations/" + conv + "/attachments", `{}`, chat.RoleAgent},
			{"GET", "/api/v1/feedback", "", chat.RoleAdmin},
			{"PATCH", "/api/v1/feedback/" + fb, `{"status":"planned","note":"next release"}`, chat.RoleAdmin},
			{"GET", "/api/v1/faq", "", chat.RoleAgent},
			{"GET", "/api/v1/faq/suggest?q=how", "", chat.RoleAgent},
			{"GET", "/api/v1/faq/" + faq, "", chat.RoleAgent},
			{"POST", "/api/v1/faq", faqBody, chat.RoleAdmin},
			{"PUT", "/api/v1/faq/" + faq, faqBody, chat.RoleAdmin},
			{"POST", "/api/v1/faq/" + faq + "/move", `{"by":1}`, chat.RoleAdmin},
			{"GET", "/api/v1/faq/export", "", chat.RoleAdmin},
			{"POST", "/api/v1/faq/import", `[` + faqBody + `]`, chat.RoleAdmin},
			{"DELETE", "/api/v1/faq/" + faq, "", chat.RoleAdmin},
			{"GET", "/api/v1/canned", "", chat.RoleAgent},
			{"POST", "/api/v1/canned", cannedBody, chat.RoleAdmin},
			{"PUT", "/api/v1/canned/" + cr, cannedBody, chat.RoleAdmin},
			{"DELETE", "/api/v1/canned/" + cr, "", chat.RoleAdmin},
			{"GET", "/api/v1/reports", "", chat.RoleAgent},
			{"GET", "/api/v1/visitors/live", "", chat.RoleAgent},
			{"GET", "/api/v1/visitors/" + visitorOf[site] + "/live", "", chat.RoleAgent},
			{"POST", "/api/v1/visitors/" + visitorOf[site] + "/invite", `{"text":"Hi"}`, chat.RoleAgent},
		}
	}

	// Every agent route of the server is in the table.
	listed := map[string]bool{}
	for _, r := range routes(":key", ":id", ":id", ":id", ":id", ":id") {
		path, _, _ := strings.Cut(r.path, "?")
		listed[r.method+" "+path] = true
	}
	for _, r := range e.srv.App().GetRoutes(true) {
		p := r.Path
		if !strings.HasPrefix(p, "/api/v1/") || strings.HasPrefix(p, "/api/v1/widget/") || strings.HasPrefix(p, "/api/v1/auth/") ||
			strings.HasPrefix(p, "/api/v1/invites/") || r.Method == "HEAD" { // public: the widget's, logins, invites
			continue
		}
		if !listed[r.Method+" "+p] {
			t.Errorf("route %s %s is not in the role table", r.Method, p)
		}
	}

	do := func(token, method, path, body string) int {
		req, _ := http.NewRequest(method, e.url+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+token)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	for _, role := range []chat.Role{chat.RoleAgent, chat.RoleAdmin, chat.RoleOwner} {
		_, token := e.mustAgentWithRole(ctx, e.store, string(role)+"@example.com", "site-a", role)
		for _, r := range routes("site-a", convA, faqs["site-a"], feedback["site-a"], e.agentAID, canned["site-a"]) {
			st := do(token, r.method, r.path, r.body)
			if want := role.AtLeast(r.min); want && (st == http.StatusForbidden || st == http.StatusUnauthorized || st >= 500) {
				t.Errorf("%s: %s %s = %d, want it allowed", role, r.method, r.path, st)
			} else if !want && st != http.StatusForbidden {
				t.Errorf("%s: %s %s = %d, want 403", role, r.method, r.path, st)
			}
		}
		// Site-b's resources, named by id or by ?site=, do not exist for
		// any role of site-a.
		for _, r := range routes("site-b", convB, faqs["site-b"], feedback["site-b"], agentBID, canned["site-b"]) {
			path := r.path
			if !strings.Contains(path, convB) && !strings.Contains(path, faqs["site-b"]) && !strings.Contains(path, feedback["site-b"]) && !strings.Contains(path, "site-b") && !strings.Contains(path, agentBID) &&
				!strings.Contains(path, canned["site-b"]) {
				if strings.HasPrefix(path, "/api/v1/me") || path == "/api/v1/sites" {
					continue // the agent's own account, and their own sites, have no site to name
				}
				if strings.Contains(path, "?") {
					path += "&site=site-b"
				} else {
					path += "?site=site-b"
				}
			}
			if st := do(token, r.method, path, r.body); st != http.StatusNotFound {
				t.Errorf("%s: %s %s = %d, want 404", role, r.method, path, st)
			}
		}
	}
}
