package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// What an agent typed in the reply box waits with its conversation while
// they answer another one, and after a reload; sending it ends the draft.
func TestReplyDrafts(t *testing.T) {
	e := setup(t)
	a, b := e.newGoVisitor(t, ""), e.newGoVisitor(t, "")
	a.send("第一位访客的问题")
	b.send("第二位访客的问题")
	in := e.ownerTab(t, "/inbox")
	open := func(id string) {
		t.Helper()
		openRow(t, in.ctx, id)
		waitJS(t, in.ctx, "it is open", `location.hash === `+jsString("#c/"+id))
	}
	box := func(what, want string) {
		t.Helper()
		waitJS(t, in.ctx, what, `document.getElementById('reply').value === `+jsString(want), `document.getElementById('reply').value`)
	}
	waitJS(t, in.ctx, "both conversations are listed", `document.querySelector('#convs button[data-id="`+a.conv.ID+`"]') && document.querySelector('#convs button[data-id="`+b.conv.ID+`"]')`)

	open(a.conv.ID)
	do(t, in.ctx, "start a reply", chromedp.SendKeys(chromedp.CSS(`#reply`), "请稍等，我查一下"))
	open(b.conv.ID)
	box("the other conversation has an empty box", "")
	do(t, in.ctx, "start another reply", chromedp.SendKeys(chromedp.CSS(`#reply`), "您好"))
	open(a.conv.ID)
	box("the first draft is back", "请稍等，我查一下")

	in.reload()
	in.waitLive()
	open(a.conv.ID)
	box("after a reload the draft is still there", "请稍等，我查一下")
	do(t, in.ctx, "send it", chromedp.SendKeys(chromedp.CSS(`#reply`), "。\n"))
	in.waitInboxMessage("agent", "请稍等，我查一下。", "sent")
	box("sending empties the box", "")
	open(b.conv.ID)
	box("the other draft is kept", "您好")

	in.reload()
	in.waitLive()
	open(a.conv.ID)
	box("a sent draft does not come back after a reload", "")
}
