package e2e

import (
	"context"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// cutJS wraps the panel's WebSocket and fetch, so that a test can cut kefu
// off from the panel (window.__cut()) and put it back (window.__mend()):
// open sockets close, new ones fail at once, and requests fail, as when
// the network or kefu is down.
const cutJS = `(() => {
	const RealWS = WebSocket, realFetch = fetch, live = [];
	let cut = false;
	window.__cut = () => { cut = true; live.splice(0).forEach((s) => s.close()); };
	window.__mend = () => { cut = false; };
	window.WebSocket = function (url) {
		if (!cut) { const s = new RealWS(url); live.push(s); return s; }
		const dead = { send() {}, close() {} };
		setTimeout(() => dead.onclose && dead.onclose({ code: 1006 }), 50);
		return dead;
	};
	window.fetch = (...args) => (cut ? Promise.reject(new TypeError('Failed to fetch')) : realFetch(...args));
})()`

// A message that cannot be sent, because there is neither a socket nor a
// way to start the conversation, shows as not sent with a retry within
// seconds, never "sending" for ever; the panel says it is reconnecting.
// Once kefu is reachable again, the retry delivers it once.
func TestSendFailsVisiblyThenRetries(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	err := chromedp.Do(p, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, page.AddScriptToEvaluateOnNewDocument, page.AddScriptToEvaluateOnNewDocumentParams{Source: cutJS})
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	run(t, p, `location.reload()`)
	waitJS(t, p, "the panel is drawn again, connected", `typeof window.__cut === 'function' && document.querySelector('.app') && document.querySelector('p.net').hidden`)

	run(t, p, `window.__cut()`)
	tb.send("断网时发的消息")
	waitJS(t, p, "the message shows as not sent, with a retry, and the panel says it reconnects",
		`(`+panelMessagesJS+`).some((m) => m.text === '断网时发的消息' && m.state === 'failed') && document.querySelector('.m.fail button.link') && !document.querySelector('p.net').hidden && document.querySelector('p.net button.link')`,
		panelMessagesJS, `document.querySelector('p.net').outerHTML`)

	run(t, p, `window.__mend()`)
	do(t, p, "tap retry", chromedp.Click(chromedp.CSS(`.m.fail button.link`)))
	tb.waitMessage("visitor", "断网时发的消息")
	if c := e.conversation(t, tb.conversationID()); c.LastSeq != 1 {
		t.Errorf("the conversation has %d messages, want the one, once", c.LastSeq)
	}
}
