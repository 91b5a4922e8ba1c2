package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// choosePresence picks a presence in the inbox's top bar menu.
func (tb *tab) choosePresence(value string) {
	tb.t.Helper()
	do(tb.t, tb.ctx, "choose "+value, chromedp.SetValue(chromedp.CSS(`#presence`), value),
		chromedp.Evaluate[chromedp.Void](`document.getElementById('presence').dispatchEvent(new Event('change', { bubbles: true }))`))
}

// The owner sets themselves away in the top bar: a visitor's open widget
// says nobody is online, the Agents page shows the owner away, and another
// inbox tab of the owner's browser follows the choice. Back online, the
// widget says so again.
func TestPresenceMenu(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox#agents")
	t.Cleanup(func() { run(t, in.ctx, `localStorage.removeItem('kefu-inbox-presence')`) })
	console := watchConsole(t, in.ctx)
	e.waitAgentsOnline(t, true)

	vis := e.newVisitor(t)
	vis.load("")
	p := vis.openPanel()
	online := func(what string, want bool) {
		t.Helper()
		word := map[bool]string{true: "在线", false: "离线"}[want]
		waitJS(t, p, what, `document.querySelector('.st').textContent.includes(`+jsString(word)+`)`, `document.querySelector('.st').textContent`)
	}
	online("the widget says an agent is online", true)
	me := `document.querySelector('#agents-list tr[data-agent=` + jsString(adminEmail) + `] .pres')`
	waitJS(t, in.ctx, "the Agents page shows the owner online", me+`?.dataset.presence === 'online' && `+me+`.textContent === '在线'`)

	in.choosePresence("away")
	online("the widget says nobody is online", false)
	e.waitAgentsOnline(t, false)
	waitJS(t, in.ctx, "the Agents page and the menu show the owner away",
		me+`.dataset.presence === 'away' && `+me+`.textContent === '离开' && document.querySelector('.presence').dataset.presence === 'away'`)
	in.screenshot("inbox-presence-away")

	// A second tab of the same browser starts away, and follows a change
	// made in the first.
	other := e.openTab(t, in.ctx)
	do(t, other.ctx, "open the inbox in another tab", chromedp.Navigate(e.kefuURL+"/inbox"))
	other.waitLive()
	waitJS(t, other.ctx, "the second tab starts away", `document.getElementById('presence').value === 'away'`)
	if got := eval[bool](t, p, `document.querySelector('.st').textContent.includes('在线')`); got {
		t.Error("the second tab brought the widget online")
	}
	in.choosePresence("offline")
	waitJS(t, other.ctx, "the second tab follows to offline", `document.getElementById('presence').value === 'offline' && document.querySelector('.presence').dataset.presence === 'offline'`)
	waitJS(t, in.ctx, "the Agents page shows the owner offline", me+`.dataset.presence === 'offline'`)

	other.choosePresence("online")
	online("the widget says an agent is online again", true)
	waitJS(t, in.ctx, "the first tab follows, and the Agents page shows the owner online",
		`document.getElementById('presence').value === 'online' && `+me+`.dataset.presence === 'online'`)
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the inbox logged problems:\n%s", p)
	}
}

// skewClockJS lets a test move the page's clock (Date.now) forward.
const skewClockJS = `
const realNow = Date.now;
Date.now = () => realNow() + (window.__kefuSkew || 0);
`

// An online agent whose inbox has had no input for 10 minutes is away for
// visitors; the next input brings them back.
func TestPresenceIdle(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: skewClockJS})
		return err
	}))
	e.waitAgentsOnline(t, true)
	run(t, in.ctx, `window.__kefuSkew = 11 * 60 * 1000`)
	// The inbox looks at the time every 15 s.
	end := time.Now().Add(30 * time.Second)
	for eval[string](t, in.ctx, `document.querySelector('.presence').dataset.presence`) != "away" {
		if time.Now().After(end) {
			t.Fatal("the inbox is not away 11 minutes after the last input")
		}
		time.Sleep(200 * time.Millisecond)
	}
	if v := eval[string](t, in.ctx, `document.getElementById('presence').value`); v != "online" {
		t.Errorf("the menu shows %q; idleness should not change the agent's choice", v)
	}
	e.waitAgentsOnline(t, false)
	do(t, in.ctx, "press a key", chromedp.KeyEvent("a"))
	waitJS(t, in.ctx, "the inbox is online again", `document.querySelector('.presence').dataset.presence === 'online'`)
	e.waitAgentsOnline(t, true)
}
