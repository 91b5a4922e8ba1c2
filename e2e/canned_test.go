package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/chat"
)

// The owner adds a canned reply on its tab, then answers a visitor with
// it: a slash and the start of the shortcut open the menu, Enter puts the
// reply in the box, Enter sends it, and the visitor gets exactly its
// text. Then the owner deletes it, after a confirmation.
func TestCannedReply(t *testing.T) {
	e := setup(t)
	in := e.ownerTab(t, "/inbox#canned")
	console := watchConsole(t, in.ctx)
	shortcut := fmt.Sprintf("tk%d", time.Now().UnixNano()%1e6)
	text := "您好，您的退款已受理。\n预计 3 个工作日内原路退回。"

	waitJS(t, in.ctx, "the canned replies' tab shows, with the owner's controls",
		`!document.getElementById('view-canned').hidden && !document.getElementById('canned-new').closest('[hidden]')`,
		`document.getElementById('view-canned').innerText`)
	do(t, in.ctx, "add a reply",
		chromedp.Click(chromedp.CSS(`#canned-new`)),
		chromedp.SendKeys(chromedp.CSS(`#canned-form [name=shortcut]`), "/"+strings.ToUpper(shortcut)),
		chromedp.SendKeys(chromedp.CSS(`#canned-form [name=text]`), text),
		chromedp.Click(chromedp.CSS(`#canned-form button[type=submit]`)),
	)
	row := `document.querySelector('#canned tr[data-shortcut=` + jsString(shortcut) + `]')`
	waitJS(t, in.ctx, "the form closes and the reply is listed, its shortcut in lower case, for any language",
		`document.getElementById('canned-form').hidden && `+row+` && `+row+`.querySelector('td.text').textContent === `+jsString(text)+
			` && `+row+`.querySelector('td.shortcut').textContent === `+jsString("/"+shortcut)+` && `+row+`.dataset.lang === ''`,
		`document.getElementById('view-canned').innerText`)
	in.screenshot("inbox-canned")

	v := e.newGoVisitor(t, "")
	v.send("我想退款")
	do(t, in.ctx, "go to the conversations", chromedp.Click(chromedp.CSS(`.views [data-view=conversations]`)))
	waitJS(t, in.ctx, "the visitor's conversation is listed", `document.querySelector('#convs button[data-id=`+jsString(v.conv.ID)+`]')`,
		`document.getElementById('convs').innerText`)
	openRow(t, in.ctx, v.conv.ID)
	in.waitInboxMessage("visitor", "我想退款", "sent")

	menu := `document.getElementById('canned-menu')`
	do(t, in.ctx, "type a slash and the start of the shortcut", chromedp.SendKeys(chromedp.CSS(`#reply`), "/"+shortcut[:len(shortcut)-1]))
	waitJS(t, in.ctx, "the menu offers the reply first",
		`!`+menu+`.hidden && `+menu+`.querySelector('li[aria-selected=true]').dataset.shortcut === `+jsString(shortcut),
		menu+`.innerText`)
	in.screenshot("inbox-canned-menu")
	do(t, in.ctx, "pick it with Enter", chromedp.SendKeys(chromedp.CSS(`#reply`), "\n"))
	waitJS(t, in.ctx, "the box holds the reply's text in place of the slash, and the menu is closed",
		`document.getElementById('reply').value === `+jsString(text)+` && `+menu+`.hidden`,
		`document.getElementById('reply').value`)
	do(t, in.ctx, "send it with Enter", chromedp.SendKeys(chromedp.CSS(`#reply`), "\n"))
	v.expectReply(text)
	in.waitInboxMessage("agent", text, "sent")

	// Escape closes the menu and leaves what was typed.
	do(t, in.ctx, "type a slash, then Escape", chromedp.SendKeys(chromedp.CSS(`#reply`), "/"+shortcut[:3]))
	waitJS(t, in.ctx, "the menu opens", `!`+menu+`.hidden`)
	do(t, in.ctx, "press Escape", chromedp.SendKeys(chromedp.CSS(`#reply`), "\x1b"))
	waitJS(t, in.ctx, "the menu closes and the box keeps the slash word",
		menu+`.hidden && document.getElementById('reply').value === `+jsString("/"+shortcut[:3]), `document.getElementById('reply').value`)
	run(t, in.ctx, `document.getElementById('reply').value = ''`)

	do(t, in.ctx, "go back to the canned replies", chromedp.Click(chromedp.CSS(`.views [data-view=canned]`)))
	waitJS(t, in.ctx, "the reply is listed", row)
	id := eval[string](t, in.ctx, row+`.dataset.id`)
	// Clicks happen inside the page: the tab reloads its list when opened,
	// and a row redrawn between finding a button and clicking it would
	// lose the click.
	waitJS(t, in.ctx, "a delete asks first, and keeps the row", `(() => { const r = `+row+`; if (!r) return false;
		if (r.querySelector('button.confirm')) return !r.querySelector('button.edit');
		r.querySelector('button.delete').click(); return false; })()`)
	waitJS(t, in.ctx, "confirmed, the row goes", `(() => { const r = `+row+`; if (!r) return true;
		const b = r.querySelector('button.confirm') || r.querySelector('button.delete'); if (b) b.click(); return false; })()`)
	if _, err := e.kefu.Store().Canned(context.Background(), "demo", id); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the deleted reply is still stored: %v", err)
	}
	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%s", strings.Join(bad, "\n"))
	}
}
