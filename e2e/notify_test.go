package e2e

import (
	"context"
	"regexp"
	"strconv"
	"testing"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// watchAlertsJS records, before the inbox's scripts run, each desktop
// notification the page makes (with the object, to click it) and each
// note of its tone, without changing what they do.
const watchAlertsJS = `
window.__kefuNotified = [];
window.__kefuTones = 0;
if (window.Notification) {
  window.Notification = class extends window.Notification {
    constructor(title, options) {
      super(title, options);
      window.__kefuNotified.push({ title, body: (options || {}).body, tag: (options || {}).tag, n: this });
    }
  };
}
const start = OscillatorNode.prototype.start;
OscillatorNode.prototype.start = function (...args) { window.__kefuTones++; return start.apply(this, args); };
`

// cdpDo runs one CDP call on the tab's target.
func cdpDo(t *testing.T, ctx context.Context, what string, call func(ctx context.Context, tg *chromedp.Target) error) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Func(call)); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// setNotifications sets the owner's browser's permission for kefu's
// desktop notifications: granted, denied or prompt.
func (e *env) setNotifications(t *testing.T, setting browser.PermissionSetting) {
	t.Helper()
	id := chromedp.FromContext(e.owner).BrowserContextID
	cdpDo(t, e.owner, "set the notifications permission", func(ctx context.Context, _ *chromedp.Target) error {
		_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: "notifications"}, Setting: setting, Origin: e.kefuURL, BrowserContextID: id,
		})
		return err
	})
}

// hide puts another tab of the same window in front of tb, which the
// browser then hides (document.hidden), as when the agent switches tabs.
func (tb *tab) hide() {
	tb.t.Helper()
	front, cancel := chromedp.NewContext(tb.ctx, chromedp.WithNewWindow(false))
	tb.t.Cleanup(cancel)
	do(tb.t, front, "open a tab in front", chromedp.Navigate("about:blank"))
	cdpDo(tb.t, front, "bring it forward", func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, target.ActivateTarget, target.ActivateTargetParams{TargetID: tg.TargetID})
		return err
	})
	waitJS(tb.t, tb.ctx, "the inbox's tab is hidden", `document.hidden && document.visibilityState === 'hidden'`)
}

// show brings tb forward again.
func (tb *tab) show() {
	tb.t.Helper()
	cdpDo(tb.t, tb.ctx, "bring the tab forward", func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, chromedp.FromContext(ctx).Browser, target.ActivateTarget, target.ActivateTargetParams{TargetID: tg.TargetID})
		return err
	})
	waitJS(tb.t, tb.ctx, "the tab is visible", `!document.hidden`)
}

var titleCount = regexp.MustCompile(`^\((\d+)\) `)

// unreadInTitle is the count at the start of the tab's title.
func (tb *tab) unreadInTitle() int {
	tb.t.Helper()
	m := titleCount.FindStringSubmatch(eval[string](tb.t, tb.ctx, `document.title`))
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// While the inbox's tab is hidden, a new conversation and the visitor's
// message give a tone, a desktop notification each and a higher count in
// the title; clicking the notification opens the conversation. Before
// that, the inbox asks for the permission only in a banner, which can be
// dismissed for good; the sound switch silences the tone.
func TestNotifyWhileHidden(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox#faq", chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		_, err := cdp.Call(ctx, tg, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: watchAlertsJS})
		return err
	}))
	t.Cleanup(func() {
		e.setNotifications(t, browser.PermissionSettingPrompt)
		run(t, in.ctx, `localStorage.removeItem('kefu-inbox-sound'); localStorage.removeItem('kefu-inbox-notify-dismissed')`)
	})
	console := watchConsole(t, in.ctx)

	// No prompt on load: a banner asks, and "not now" puts it away for good.
	banner := `document.getElementById('notify-ask')`
	waitJS(t, in.ctx, "the banner offers desktop notifications, and nothing asked yet",
		banner+` && !`+banner+`.hidden && Notification.permission === 'default' && document.getElementById('notify-enable').textContent === '开启桌面通知'`)
	do(t, in.ctx, "show the conversations", chromedp.Click(chromedp.CSS(`.views [data-view=conversations]`)))
	in.screenshot("inbox-notify-banner")
	do(t, in.ctx, "dismiss the banner", chromedp.Click(chromedp.CSS(`#notify-dismiss`)))
	waitJS(t, in.ctx, "the banner goes", banner+`.hidden`)
	in.reload()
	in.waitLive()
	waitJS(t, in.ctx, "it stays gone after a reload", banner+` && `+banner+`.hidden`)

	// The agent allows notifications (as the banner's button would ask);
	// the click on the FAQ tab is the input a browser wants before it plays
	// sound.
	e.setNotifications(t, browser.PermissionSettingGranted)
	waitJS(t, in.ctx, "the page has the permission", `Notification.permission === 'granted'`)
	do(t, in.ctx, "go to the FAQ", chromedp.Click(chromedp.CSS(`.views [data-view=faq]`)))
	before := in.unreadInTitle()
	in.hide()

	v := e.newGoVisitor(t, "")
	text := "你好，我的订单三天了还没发货"
	v.send(text)
	notified := func(title, body string) string {
		return `window.__kefuNotified.some((n) => n.title === ` + jsString(title) + ` && n.body === ` + jsString(body) + ` && n.tag === ` + jsString("kefu-"+v.conv.ID) + `)`
	}
	name := eval[string](t, in.ctx, `document.querySelector('#convs button[data-id=`+jsString(v.conv.ID)+`] .name')?.textContent || ''`)
	if name == "" {
		waitJS(t, in.ctx, "the conversation is listed", `document.querySelector('#convs button[data-id=`+jsString(v.conv.ID)+`] .name')`)
		name = eval[string](t, in.ctx, `document.querySelector('#convs button[data-id=`+jsString(v.conv.ID)+`] .name').textContent`)
	}
	waitJS(t, in.ctx, "a notification shows the visitor's message, under the visitor's name", notified(name, text),
		`JSON.stringify(window.__kefuNotified.map(({ n, ...rest }) => rest))`)
	waitJS(t, in.ctx, "a notification told of the new conversation first", `window.__kefuNotified[0].title === '新对话' && window.__kefuNotified[0].tag === `+jsString("kefu-"+v.conv.ID),
		`JSON.stringify(window.__kefuNotified.map(({ n, ...rest }) => rest))`)
	waitJS(t, in.ctx, "a tone played", `window.__kefuTones > 0`)
	if got := in.unreadInTitle(); got != before+1 {
		t.Errorf("the title counts %d unread conversations, want %d (%q)", got, before+1, eval[string](t, in.ctx, `document.title`))
	}

	// A click on the notification opens the conversation.
	run(t, in.ctx, `window.__kefuNotified.at(-1).n.onclick()`)
	waitJS(t, in.ctx, "the conversation opens", `!document.getElementById('view-conversations').hidden && !document.getElementById('thread').hidden && document.getElementById('th-name').textContent === `+jsString(name),
		`document.body.innerText`)

	// With the sound off, a message notifies without a tone.
	in.show()
	do(t, in.ctx, "turn the sound off", chromedp.Click(chromedp.CSS(`#sound`)))
	waitJS(t, in.ctx, "the switch says off, and the browser remembers", `document.getElementById('sound').getAttribute('aria-pressed') === 'false' && localStorage.getItem('kefu-inbox-sound') === 'off'`)
	tones := eval[int](t, in.ctx, `window.__kefuTones`)
	in.hide()
	v.send("还在吗？")
	waitJS(t, in.ctx, "the second message notifies", notified(name, "还在吗？"))
	if got := eval[int](t, in.ctx, `window.__kefuTones`); got != tones {
		t.Errorf("%d notes played with the sound off", got-tones)
	}
	if p := console.problems(); len(p) > 0 {
		t.Errorf("the inbox logged problems:\n%s", p)
	}
}
