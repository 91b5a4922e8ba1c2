package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An owner invites an agent through the API; the agent opens the link,
// sets a password in the inbox's page, and logs in with it.
func TestInviteAnAgent(t *testing.T) {
	e := setup(t)
	t.Cleanup(func() { e.waitAgentsOnline(t, false) })
	email := fmt.Sprintf("invited-%d@example.com", time.Now().UnixNano())
	var out struct {
		InviteURL string `json:"invite_url"`
	}
	e.agent(t, "POST", "/api/v1/agents", map[string]any{"email": email, "name": "新同事", "role": "agent"}, &out)
	if !strings.HasPrefix(out.InviteURL, e.kefuURL+"/inbox#invite/") {
		t.Fatalf("invite_url = %q", out.InviteURL)
	}
	in := e.newVisitor(t)
	do(t, in.ctx, "open the invite link", chromedp.Navigate(out.InviteURL))
	waitJS(t, in.ctx, "the page asks for a password", `!document.getElementById('invite').hidden && document.activeElement === document.querySelector('#invite-form input[name=password]')`,
		`document.body.innerText`)
	do(t, in.ctx, "set a password", chromedp.SendKeys(chromedp.CSS(`#invite-form input[name=password]`), "invited-password\n"))
	waitJS(t, in.ctx, "the login form shows with the email filled in",
		`!document.getElementById('login').hidden && document.querySelector('#login-form input[name=email]').value === `+jsString(email)+` && !location.hash`,
		`document.body.innerText`)
	do(t, in.ctx, "log in", chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), "invited-password\n"))
	in.waitLive()
	if got := eval[string](t, in.ctx, `document.getElementById('me').textContent`); got != "新同事" {
		t.Errorf("the inbox names the agent %q, want 新同事", got)
	}

	// Disabled by an owner, the open inbox loses its socket and its session.
	var me struct {
		Agents []struct {
			ID    string `json:"id"`
			Email string `json:"email"`
		} `json:"agents"`
	}
	e.agent(t, "GET", "/api/v1/agents?site=demo", nil, &me)
	id := ""
	for _, a := range me.Agents {
		if a.Email == email {
			id = a.ID
		}
	}
	e.agent(t, "PATCH", "/api/v1/agents/"+id, map[string]any{"disabled": true}, nil)
	waitJS(t, in.ctx, "the inbox of the disabled agent asks to log in again", `!document.getElementById('login').hidden && document.getElementById('app').hidden`,
		`document.body.innerText`)
}
