package e2e

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/client"
)

// TestOwnerSetsUpASite does what an owner does on a new install: creates a
// second site from the settings page and switches to it, changes its name,
// colour, greeting and topics and sees them in a real widget after a
// reload, and a later change and an uploaded logo in the panel the
// visitor has open, restricts the allowed origins and sees the customer's page
// refused, and rotates the identity secret and sees the old hash refused.
func TestOwnerSetsUpASite(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox#settings")
	console := watchConsole(t, in.ctx)
	key := fmt.Sprintf("shop-%d", time.Now().UnixNano()%1e6)
	waitJS(t, in.ctx, "the settings page shows the demo site", `document.querySelector('#settings-form input[name=name]') && document.querySelector('#settings-form input[name=name]').value === 'kefu 演示站'`,
		`document.getElementById('view-settings').innerText`)

	// A second site, created here, is chosen at once.
	run(t, in.ctx, `document.querySelector('details.new-site').open = true`)
	do(t, in.ctx, "create a site",
		chromedp.SendKeys(chromedp.CSS(`#new-site-form input[name=name]`), "第二家店"),
		chromedp.SendKeys(chromedp.CSS(`#new-site-form input[name=key]`), key),
		chromedp.Click(chromedp.CSS(`#new-site-form button[type=submit]`)),
	)
	waitJS(t, in.ctx, "the new site is chosen, in the switcher, with its settings",
		`document.getElementById('site').value === `+jsString(key)+` && !document.getElementById('site').closest('label').hidden && document.querySelector('#settings-form input[name=name]') && document.querySelector('#settings-form input[name=name]').value === '第二家店'`,
		`document.getElementById('view-settings').innerText`)
	in.screenshot("settings")

	// Name, colour, greeting and a topic.
	do(t, in.ctx, "edit the settings",
		chromedp.SetValue(chromedp.CSS(`#settings-form input[name=name]`), "Acme 客服台"),
		chromedp.SetValue(chromedp.CSS(`#settings-form input[name=color]`), "#ff6600"),
		chromedp.SetValue(chromedp.CSS(`#greeting textarea[data-lang="zh-CN"]`), "欢迎光临 Acme！"),
		chromedp.Click(chromedp.CSS(`#settings-form .topics-edit button.add`)),
		chromedp.SendKeys(chromedp.CSS(`#settings-form fieldset.topic input`), "billing"),
		chromedp.SendKeys(chromedp.CSS(`#settings-form fieldset.topic input[data-lang="zh-CN"]`), "账单问题"),
		chromedp.SendKeys(chromedp.CSS(`#settings-form fieldset.topic input[data-lang="en"]`), "Billing"),
	)
	in.save("the settings")

	v := e.newVisitor(t)
	v.load("site=" + key)
	v.waitBubble("the bubble takes the new colour", func(b bubbleState) bool { return b.Color == "rgb(255, 102, 0)" })
	p := v.openPanel()
	waitJS(t, p, "the panel shows the new name, greeting and topic",
		`document.querySelector('h1').textContent === 'Acme 客服台' && document.body.innerText.includes('欢迎光临 Acme！') && [...document.querySelectorAll('.topics button.chip')].map((b) => b.textContent).join('/') === '账单问题'`,
		`document.body.innerText`)

	// A change shows at once in the panel the visitor has open.
	do(t, in.ctx, "change the greeting again", chromedp.SetValue(chromedp.CSS(`#greeting textarea[data-lang="zh-CN"]`), "Acme 现在有新的欢迎语"))
	in.save("the new greeting")
	waitJS(t, p, "the open panel shows the new greeting, without a reload", `document.body.innerText.includes('Acme 现在有新的欢迎语')`, `document.body.innerText`)

	// A logo uploaded from a file shows in the open panel's header; a
	// logo URL instead is allowed by the chat page's CSP.
	logo := filepath.Join(t.TempDir(), "logo.png")
	var img bytes.Buffer
	square := image.NewNRGBA(image.Rect(0, 0, 300, 300))
	draw.Draw(square, square.Bounds(), &image.Uniform{color.NRGBA{R: 255, G: 102, A: 255}}, image.Point{}, draw.Src)
	if err := png.Encode(&img, square); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(logo, img.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, in.ctx, "upload a logo", chromedp.SetUploadFiles(chromedp.CSS(`#logo-file`), []string{logo}))
	waitJS(t, in.ctx, "the settings page shows the uploaded logo", `document.getElementById('logo-preview') && document.getElementById('logo-preview').naturalWidth === 128`,
		`document.querySelector('fieldset.logo').innerText`)
	waitJS(t, p, "the open panel shows the logo", `document.querySelector('header img.lg') && !document.querySelector('header img.lg').hidden && document.querySelector('header img.lg').naturalWidth === 128`,
		`document.querySelector('header').outerHTML`)
	v.screenshot("panel-logo")
	chatPage := func() string {
		t.Helper()
		res, err := http.Get(e.kefuURL + "/chat/" + key)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.Header.Get("Content-Security-Policy")
	}
	if csp := chatPage(); !strings.Contains(csp, "img-src 'self' data: blob:;") {
		t.Errorf("with an uploaded logo, the chat page's CSP is %q; want images from kefu only", csp)
	}
	do(t, in.ctx, "give a logo URL", chromedp.SetValue(chromedp.CSS(`#settings-form input[name=logo]`), "https://cdn.example.com/acme.png"))
	in.save("the logo URL")
	if csp := chatPage(); !strings.Contains(csp, "img-src 'self' data: blob: https://cdn.example.com;") {
		t.Errorf("with a logo URL, the chat page's CSP is %q; want its origin among img-src", csp)
	}

	// Outside business hours, the open panel says the site's own words.
	closed := map[string]any{
		"business_hours":  map[string]any{"timezone": "UTC", "days": []map[string]int{{"weekday": int(time.Now().UTC().Add(24 * time.Hour).Weekday()), "from_min": 540, "until_min": 600}}},
		"offline_message": map[string]string{"zh-CN": "我们明天 9 点回来。", "en": "Back tomorrow at 9."},
	}
	e.agent(t, "PATCH", "/api/v1/sites/"+key, closed, nil)
	waitJS(t, p, "the open panel shows the message for outside business hours",
		`!document.querySelector('.away').hidden && document.querySelector('.away').textContent.startsWith('我们明天 9 点回来。')`, `document.body.innerText`)

	// Allowed origins: the customer's page (another origin) is refused.
	configStatus := `fetch(` + jsString(e.kefuURL+"/api/v1/widget/"+key+"/config") + `).then((r) => r.status, (e) => 'network error: ' + e.message)`
	if got := eval[any](t, v.ctx, configStatus); got != float64(200) {
		t.Fatalf("before the restriction, the page's request answers %v", got)
	}
	do(t, in.ctx, "restrict the allowed origins", chromedp.SetValue(chromedp.CSS(`#settings-form textarea[name=allowed_origins]`), "https://shop.example.com"))
	in.save("the allowed origins")
	if got := eval[any](t, v.ctx, configStatus); got != float64(403) {
		t.Errorf("after the restriction, the page's request answers %v, want 403", got)
	}

	// The identity secret: shown, used, rotated; the old hash is refused.
	do(t, in.ctx, "show the secret", chromedp.Click(chromedp.CSS(`#secret-show`)))
	old := eval[string](t, in.ctx, `document.getElementById('identity-secret').textContent`)
	if len(old) != 64 {
		t.Fatalf("the shown secret is %q", old)
	}
	session := func(secret string) int {
		t.Helper()
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("user-42"))
		body := map[string]any{"user": map[string]string{"id": "user-42", "hash": hex.EncodeToString(mac.Sum(nil))}}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		err := e.api.Do(ctx, http.MethodPost, "/api/v1/widget/"+key+"/session", "", body, nil)
		return statusOf(err)
	}
	if st := session(old); st != 200 {
		t.Fatalf("a session with the shown secret's hash answers %d", st)
	}
	run(t, in.ctx, `window.confirm = () => true`)
	do(t, in.ctx, "rotate the secret", chromedp.Click(chromedp.CSS(`#secret-rotate`)))
	waitJS(t, in.ctx, "a new secret shows", `document.getElementById('identity-secret').textContent.length === 64 && document.getElementById('identity-secret').textContent !== `+jsString(old))
	secret := eval[string](t, in.ctx, `document.getElementById('identity-secret').textContent`)
	if st := session(old); st == 200 {
		t.Error("the old secret's hash still opens a verified session")
	}
	if st := session(secret); st != 200 {
		t.Errorf("the new secret's hash answers %d", st)
	}
	// The page computes the hash the site's server must send.
	do(t, in.ctx, "type a user id", chromedp.SendKeys(chromedp.CSS(`#hash-user`), "user-42"))
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte("user-42"))
	waitJS(t, in.ctx, "the page shows the user's hash", `document.getElementById('hash-out').textContent === `+jsString(hex.EncodeToString(mac.Sum(nil))))

	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%v", bad)
	}
}

// save submits the settings form and waits until the save succeeded.
func (tb *tab) save(what string) {
	tb.t.Helper()
	run(tb.t, tb.ctx, `document.querySelector('#settings-saved').textContent = ''`)
	do(tb.t, tb.ctx, "save "+what, chromedp.Click(chromedp.CSS(`#settings-form button[type=submit]`)))
	waitJS(tb.t, tb.ctx, what+" are saved", `document.querySelector('#settings-saved').dataset.state === 'ok'`,
		`document.querySelector('#settings-saved').textContent`,
		`[...document.querySelectorAll('#settings-form :invalid')].map((e) => e.name + ': ' + e.validationMessage)`)
}

// statusOf is the HTTP status of a client call's outcome: 200 for no
// error, -1 for an error that is not an answer.
func statusOf(err error) int {
	var ae *client.APIError
	switch {
	case err == nil:
		return http.StatusOK
	case errors.As(err, &ae):
		return ae.Status
	}
	return -1
}
