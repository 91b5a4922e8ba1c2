package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// On a 360 px phone the inbox is two screens: the list fills the screen,
// an opened conversation fills it in turn with a way back, Log out is in
// the menu, and nothing runs off the side.
func TestInboxOnPhone(t *testing.T) {
	e := setup(t)
	v := e.newGoVisitor(t, "deposit")
	v.send("手机上能看到我的问题吗？这是一条比较长的消息，用来看看气泡会不会超出屏幕的宽度。")
	// A preview without a place to break must not widen the list.
	e.newGoVisitor(t, "").send("https://example.com/orders?id=" + strings.Repeat("A1024", 40))
	in := e.ownerTab(t, "/inbox")
	do(t, in.ctx, "hold the inbox like a phone", chromedp.EmulateViewport(360, 740, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	in.reload()
	in.waitLive()
	const fits = `document.documentElement.scrollWidth <= 360 && document.body.scrollWidth <= 360`
	const widths = `[document.documentElement.scrollWidth, innerWidth, ...[...document.querySelectorAll('body *')].filter((el) => el.getBoundingClientRect().right > 361).slice(0, 5).map((el) => el.tagName + '.' + el.className + '#' + el.id)].join(' ')`
	// whole tells that the element with id shows in full on the screen.
	whole := func(id string) string {
		return `(() => { const r = document.getElementById(` + jsString(id) + `).getBoundingClientRect(); return r.width > 0 && r.left >= 0 && r.right <= 360 && r.top >= 0 && r.bottom <= 740; })()`
	}
	row := `document.querySelector('#convs button[data-id="` + v.conv.ID + `"]')`

	waitJS(t, in.ctx, "the list fills the screen", row+` && (() => { const r = document.querySelector('aside.list').getBoundingClientRect(); return r.left === 0 && r.width === 360 && r.bottom >= 730; })()`,
		`JSON.stringify(document.querySelector('aside.list').getBoundingClientRect()) + ' ' + `+widths)
	waitJS(t, in.ctx, "nothing runs off the side of the list", fits, widths)
	in.screenshot("inbox-phone-list")

	// Log out is in the menu, with the sections.
	if !eval[bool](t, in.ctx, whole("logout")) {
		do(t, in.ctx, "open the menu", chromedp.Click(chromedp.ID("menu")))
	}
	waitJS(t, in.ctx, "Log out shows, on top of nothing", whole("logout")+` && (() => { const r = document.getElementById('logout').getBoundingClientRect();
		return document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2) === document.getElementById('logout'); })()`, widths)
	waitJS(t, in.ctx, "the sections, site and language fit too", fits+` && [...document.querySelectorAll('.views [role=tab]:not([hidden]), #lang')].every((el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.right <= 360; })`, widths)
	in.screenshot("inbox-phone-menu")
	do(t, in.ctx, "choose a section in the menu", chromedp.Click(`.views [data-view=faq]`))
	waitJS(t, in.ctx, "the section shows and the menu closes", `!document.getElementById('view-faq').hidden && document.getElementById('logout').getBoundingClientRect().width === 0`)
	waitJS(t, in.ctx, "the FAQ page does not run off the side", fits, widths)
	do(t, in.ctx, "open the menu again", chromedp.Click(chromedp.ID("menu")))
	do(t, in.ctx, "back to the conversations", chromedp.Click(`.views [data-view=conversations]`))

	openRow(t, in.ctx, v.conv.ID)
	waitJS(t, in.ctx, "the thread fills the screen, without the list",
		`(() => { const r = document.getElementById('thread').getBoundingClientRect(); return r.left === 0 && r.width === 360 && document.querySelector('aside.list').getBoundingClientRect().width === 0; })()`,
		`JSON.stringify(document.getElementById('thread').getBoundingClientRect())`)
	in.waitInboxMessage("visitor", "手机上能看到我的问题吗？这是一条比较长的消息，用来看看气泡会不会超出屏幕的宽度。", "sent")
	for _, id := range []string{"back", "reply", "resolve", "th-name"} {
		waitJS(t, in.ctx, id+" shows in full", whole(id))
	}
	waitJS(t, in.ctx, "nothing runs off the side of the thread", fits, widths)
	in.screenshot("inbox-phone-thread")

	do(t, in.ctx, "go back", chromedp.Click(chromedp.ID("back")))
	waitJS(t, in.ctx, "the list is back, and the thread gone", `document.getElementById('thread').hidden && `+row+`.getBoundingClientRect().width === 360`)
	do(t, in.ctx, "back to a desktop's size", chromedp.EmulateReset())
}
