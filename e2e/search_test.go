package e2e

import (
	"fmt"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// An agent finds a conversation by a two-character Chinese word, by one
// character, and by an English word in another form than it was written
// in; a search that matches nothing says so, and clearing the box brings
// the list back.
func TestSearchConversations(t *testing.T) {
	e := setup(t)
	pay, refund := e.newGoVisitor(t, ""), e.newGoVisitor(t, "")
	pay.send("我的充值三天了还没到账")
	order := fmt.Sprint(time.Now().UnixNano())
	refund.send("I was refunded twice for order " + order)
	refund.send("退款怎么办")
	in := e.ownerTab(t, "/inbox")
	// found waits until the list holds the conversation with, and not the
	// one without, the words: other tests share this kefu and its words.
	found := func(what, with, without string) {
		t.Helper()
		waitJS(t, in.ctx, what, `(() => { const ids = [...document.querySelectorAll('#convs button.row')].map((b) => b.dataset.id);
			return ids.includes(`+jsString(with)+`) && !ids.includes(`+jsString(without)+`); })()`,
			`[...document.querySelectorAll('#convs button.row')].map((b) => b.dataset.id + ' ' + b.innerText).join(' | ')`)
	}
	typeIn := func(words string) {
		t.Helper()
		run(t, in.ctx, `(() => { const s = document.getElementById('search'); s.value = `+jsString(words)+`; s.dispatchEvent(new Event('input')); })()`)
	}
	run(t, in.ctx, `document.activeElement && document.activeElement.blur()`)
	do(t, in.ctx, "press /", chromedp.KeyEvent("/"))
	waitJS(t, in.ctx, "/ puts the cursor in the search box", `document.activeElement === document.getElementById('search')`,
		`document.activeElement && document.activeElement.outerHTML`)
	do(t, in.ctx, "search for 充值", chromedp.SendKeys(chromedp.CSS(`#search`), "充值"))
	found("充值 finds the deposit conversation", pay.conv.ID, refund.conv.ID)
	typeIn("退")
	found("退 finds the refund conversation", refund.conv.ID, pay.conv.ID)
	typeIn("refunds")
	found("refunds finds 'refunded'", refund.conv.ID, pay.conv.ID)
	typeIn(order)
	found("an order number", refund.conv.ID, pay.conv.ID)
	typeIn("zq" + order)
	waitJS(t, in.ctx, "the list says nothing matches", `!document.querySelector('#convs button.row') && document.getElementById('convs-empty').textContent === '没有找到匹配的会话。' && !document.getElementById('convs-empty').hidden`)
	in.screenshot("inbox-search")
	typeIn("")
	waitJS(t, in.ctx, "clearing the search brings back the list with its tabs",
		`!document.querySelector('.status-tabs').hidden && [...document.querySelectorAll('#convs button.row')].length >= 2`)
}
