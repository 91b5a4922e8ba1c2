package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An owner invites an agent on the agents page; the agent opens the link,
// sets a password in the inbox's page, and logs in with it. The agent's
// inbox has no settings page, and opening it says so. The owner disables
// the agent on the agents page, and the agent's open inbox loses its
// socket and its session.
func TestInviteAnAgent(t *testing.T) {
	e := setup(t)
	owner := e.ownerTab(t, "/inbox#agents")
	email := fmt.Sprintf("invited-%d@example.com", time.Now().UnixNano())
	waitJS(t, owner.ctx, "the agents page lists the owner", `document.querySelector('#agents-list tr[data-agent=`+jsString(adminEmail)+`]')`,
		`document.getElementById('view-agents').innerText`)
	do(t, owner.ctx, "invite an agent",
		chromedp.SendKeys(chromedp.CSS(`#invite-agent input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`#invite-agent input[name=name]`), "新同事"),
		chromedp.Click(chromedp.CSS(`#invite-agent button[type=submit]`)),
	)
	row := `document.querySelector('#agents-list tr[data-agent=` + jsString(email) + `]')`
	waitJS(t, owner.ctx, "the invite link shows, and the agent is listed", `document.getElementById('invite-url') && `+row,
		`document.getElementById('view-agents').innerText`)
	owner.screenshot("agents")
	link := eval[string](t, owner.ctx, `document.getElementById('invite-url').textContent`)
	if !strings.HasPrefix(link, e.kefuURL+"/inbox#invite/") {
		t.Fatalf("the invite link is %q", link)
	}

	in := e.newVisitor(t)
	do(t, in.ctx, "open the invite link", chromedp.Navigate(link))
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
	// An agent has no settings, agents or feedback tab, and the page
	// itself refuses.
	if hidden := eval[bool](t, in.ctx, `['settings', 'agents', 'feedback'].every((v) => document.querySelector('.views [data-view=' + v + ']').hidden)`); !hidden {
		t.Error("an agent sees a tab for admins")
	}
	do(t, in.ctx, "open the settings page by its address", chromedp.Navigate(e.kefuURL+"/inbox#settings"), chromedp.Reload())
	in.waitLive()
	waitJS(t, in.ctx, "the settings page refuses the agent", `!document.getElementById('view-settings').hidden && document.getElementById('denied') && !document.getElementById('settings-form')`,
		`document.getElementById('view-settings').innerText`)

	// Disabled by the owner, the open inbox loses its socket and session.
	run(t, owner.ctx, `window.confirm = () => true`)
	do(t, owner.ctx, "disable the agent", chromedp.Click(chromedp.CSS(`#agents-list tr[data-agent=`+jsString(email)+`] button.danger`)))
	waitJS(t, owner.ctx, "the row shows the agent disabled", row+`.dataset.disabled === 'true'`)
	waitJS(t, in.ctx, "the inbox of the disabled agent asks to log in again", `!document.getElementById('login').hidden && document.getElementById('app').hidden`,
		`document.body.innerText`)
}
