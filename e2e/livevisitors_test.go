package e2e

import (
	"testing"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// A visitor browses the customer's page in another browser and reaches
// the chat button without opening it: the widget loads, and the owner
// sees them under live visitors, on that page. The owner invites them;
// the conversation opens in the owner's thread, with the visitor panel's
// page trail and local time, and the visitor's widget opens by itself
// showing the owner's message.
func TestProactiveInvite(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox#live")
	waitJS(t, in.ctx, "the live visitors' page shows", `!document.getElementById('view-live').hidden`)

	tb := e.newVisitor(t)
	tb.load("")
	b := tb.waitBubble("the bubble shows", func(b bubbleState) bool { return b.W > 0 })
	do(t, tb.ctx, "move the pointer onto the bubble", chromedp.MouseEvent(input.DispatchMouseEventTypeMouseMoved, b.X+b.W/2, b.Y+b.H/2))
	panel := tb.attachPanel()
	const vidJS = `(JSON.parse(localStorage.getItem('kefu:demo:session')) || {}).vid`
	waitJS(t, panel, "the widget has a visitor session", vidJS)
	vid := eval[string](t, panel, vidJS)
	if tb.bubble().Expanded != "false" {
		t.Fatal("the panel opened on hover")
	}

	row := `document.querySelector('#live tr[data-visitor=` + jsString(vid) + `]')`
	waitJS(t, in.ctx, "the owner lists the visitor under live visitors, on the demo page",
		`(document.querySelector('.views [data-view=live]').click(), `+row+`) && `+row+`.querySelector('.live-page a').href.startsWith(`+jsString(e.hostURL+"/page")+`)`,
		`document.getElementById('view-live').innerText`)
	in.screenshot("inbox-live-visitors")

	const text = "您好，需要帮您挑选套餐吗？"
	run(t, in.ctx, row+`.querySelector('button').click()`)
	waitJS(t, in.ctx, "the invite form shows the greeting", `document.querySelector('.live-invite textarea') && document.querySelector('.live-invite textarea').value !== ''`)
	run(t, in.ctx, `document.querySelector('.live-invite textarea').value = `+jsString(text))
	do(t, in.ctx, "send the invite", chromedp.Click(chromedp.CSS(`.live-invite button[type=submit]`)))

	waitJS(t, in.ctx, "the owner's thread opens on the new conversation with the message",
		`!document.getElementById('view-conversations').hidden && document.getElementById('log').textContent.includes(`+jsString(text)+`)`,
		`document.getElementById('log').innerText`)
	waitJS(t, in.ctx, "the visitor panel shows the page trail and the visitor's local time",
		`document.querySelector('#visitor-more .trail a') && document.querySelector('#visitor-more .trail a').title.startsWith(`+jsString(e.hostURL+"/page")+`) && /^\d\d:\d\d \(UTC[+−]\d/.test(document.querySelector('#visitor-more [data-offset]').textContent)`,
		`document.getElementById('info').innerText`)

	tb.waitOpen(true)
	tb.waitMessage("agent", text)
	tb.screenshot("widget-invited")
}
