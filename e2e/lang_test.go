package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// speaks makes the tab's browser prefer the languages of accept, as a
// visitor's browser settings do (navigator.languages and Accept-Language).
func (tb *tab) speaks(accept string) {
	tb.t.Helper()
	ua := eval[string](tb.t, tb.ctx, `navigator.userAgent`)
	err := chromedp.Do(tb.ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{UserAgent: ua, AcceptLanguage: accept})
		return err
	}))
	if err != nil {
		tb.t.Fatalf("set the browser's languages: %v", err)
	}
}

// A visitor whose browser prefers English gets the widget in English on a
// site whose default is Chinese, because the site offers English.
func TestBrowserLanguageWins(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.speaks("en-US,en")
	tb.load("")
	if got := eval[string](t, tb.ctx, `navigator.languages.join()`); got != "en-US,en" {
		t.Fatalf("navigator.languages = %q, want en-US,en", got)
	}
	en := widgetStrings(t, "en")
	if b := tb.waitBubble("the bubble is in English", func(b bubbleState) bool { return b.Label == en["bubble"] }); b.Label != en["bubble"] {
		t.Fatalf("bubble = %q", b.Label)
	}
	checkPanelLang(t, tb.openPanel(), "en", en)
}

// The switcher in the panel's header changes the bubble and the panel, and
// the choice is remembered on the next page.
func TestLanguageSwitcherIsRemembered(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	zh, ja := widgetStrings(t, "zh-CN"), widgetStrings(t, "ja")
	checkPanelLang(t, p, "zh-CN", zh)
	if got := eval[string](t, p, `document.querySelector('select.lng').getAttribute('aria-label')`); got != zh["language"] {
		t.Errorf("the switcher is labelled %q, want %q", got, zh["language"])
	}
	run(t, p, `(() => { const s = document.querySelector('select.lng'); s.value = 'ja'; s.dispatchEvent(new Event('change')); })()`)
	checkPanelLang(t, p, "ja", ja)
	tb.waitBubble("the bubble is in Japanese", func(b bubbleState) bool { return b.Aria == ja["closeChat"] })

	tb.reload()
	tb.waitBubble("after a reload the bubble is still Japanese", func(b bubbleState) bool { return b.Label == ja["bubble"] })
	p = tb.openPanel()
	checkPanelLang(t, p, "ja", ja)
	if got := eval[string](t, p, `document.querySelector('select.lng').value`); got != "ja" {
		t.Errorf("the switcher shows %q, want ja", got)
	}
}
