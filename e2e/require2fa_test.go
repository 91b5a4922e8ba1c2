package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// A site requires two-factor login: its agent, who has none, logs in and
// finds only the enrolment, turns it on, and then gets the inbox.
func TestSiteRequiresTwoFactor(t *testing.T) {
	e := setup(t)
	t.Cleanup(func() { e.waitAgentsOnline(t, false) })
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	// An owner who has two-factor login (only such an owner may require
	// it) makes a site of their own that requires it.
	hash, err := auth.HashPassword("policy-password")
	if err != nil {
		t.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	key := fmt.Sprintf("strict-%d", stamp%1e6)
	ownerEmail, email := fmt.Sprintf("strict-owner-%d@example.com", stamp), fmt.Sprintf("policy-%d@example.com", stamp)
	const ownerSecret = "JBSWY3DPEHPK3PXP"
	err = e.kefu.Store().CreateAgent(ctx, &chat.Agent{ID: chat.NewID(), Email: ownerEmail, Name: "严格的所有者",
		PasswordHash: hash, Role: chat.RoleOwner, Sites: []string{"demo"}, TOTPSecret: ownerSecret, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	code, err := totp.GenerateCode(ownerSecret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	owner, err := e.api.Login(ctx, ownerEmail, "policy-password", code)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.api.Do(ctx, "POST", "/api/v1/sites", owner, map[string]string{"key": key, "name": "严格的站点"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := e.api.Do(ctx, "PATCH", "/api/v1/sites/"+key, owner, map[string]bool{"require_two_factor": true}, nil); err != nil {
		t.Fatal(err)
	}
	err = e.kefu.Store().CreateAgent(ctx, &chat.Agent{ID: chat.NewID(), Email: email, Name: "新客服",
		PasswordHash: hash, Role: chat.RoleAgent, Sites: []string{key}, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	in := e.newVisitor(t)
	do(t, in.ctx, "open the inbox", chromedp.Navigate(e.kefuURL+"/inbox"))
	waitJS(t, in.ctx, "the login form shows", `!document.getElementById('login').hidden`)
	do(t, in.ctx, "log in with the password",
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), "policy-password\n"),
	)
	waitJS(t, in.ctx, "only the enrolment shows, and says why",
		`!document.getElementById('app').hidden && document.getElementById('must-enrol') && !document.getElementById('view-account').hidden && document.getElementById('view-conversations').hidden &&
		[...document.querySelectorAll('.views [role=tab]')].filter((b) => !b.hidden).map((b) => b.dataset.view).join() === 'account'`,
		`document.body.innerText`)
	do(t, in.ctx, "start the enrolment",
		chromedp.SendKeys(chromedp.CSS(`#totp-start input[name=current_password]`), "policy-password"),
		chromedp.Click(chromedp.CSS(`#totp-start button[type=submit]`)),
	)
	waitJS(t, in.ctx, "the QR code shows", `document.getElementById('totp-secret')`, `document.getElementById('view-account').innerText`)
	secret := eval[string](t, in.ctx, `document.getElementById('totp-secret').textContent`)
	code, err = totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, in.ctx, "confirm with a code",
		chromedp.SendKeys(chromedp.CSS(`#totp-confirm input[name=code]`), code),
		chromedp.Click(chromedp.CSS(`#totp-confirm button[type=submit]`)),
	)
	in.waitLive()
	waitJS(t, in.ctx, "the inbox opens with its conversations", `!document.querySelector('.views [data-view=conversations]').hidden && !document.getElementById('must-enrol')`,
		`document.body.innerText`)
}
