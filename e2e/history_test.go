package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// A conversation of 300 messages opens on its newest, and scrolling back
// brings the rest, page by page, in order and each once, with what was on
// screen kept in place: in the inbox for the agent, and in the widget for
// the visitor, who never sees the agents' notes.
func TestScrollBack(t *testing.T) {
	e := setup(t)
	tb := e.newVisitor(t)
	tb.load("")
	tb.openPanel()
	first := fmt.Sprintf("最早的一条消息 %d", time.Now().UnixNano())
	tb.send(first)
	tb.waitMessage("visitor", first)
	id := tb.conversationID()
	all, public := e.seedHistory(t, id, first, 300)

	// The agent, in the inbox.
	in := e.ownerTab(t, "/inbox#c/"+id)
	const inboxLog = `document.getElementById('log')`
	const inboxMsgs = `[...document.querySelectorAll('#log li.m[data-seq]')]`
	defineInView(t, in.ctx, inboxLog)
	waitJS(t, in.ctx, "the thread opens on its newest messages, the last one in view",
		`(() => { const li = `+inboxMsgs+`; const last = li[li.length - 1]; return li.length >= 50 && li.length < 300 && last && last.innerText.includes(`+jsString(all[len(all)-1])+`) && inView(last); })()`,
		inboxMsgs+`.length`)
	in.screenshot("inbox-thread-desktop")
	scrollBack(t, in.ctx, "the inbox", inboxLog, inboxMsgs, first)
	got := eval[[]string](t, in.ctx, inboxMsgs+`.map((li) => li.querySelector('.bb').textContent)`)
	sameList(t, "the inbox", got, all)
	// A message that arrives after scrolling back goes at the end.
	e.reply(t, id, "滚动之后的新回复")
	all, public = append(all, "滚动之后的新回复"), append(public, "滚动之后的新回复")
	in.waitInboxMessage("agent", "滚动之后的新回复", "sent")
	got = eval[[]string](t, in.ctx, inboxMsgs+`.map((li) => li.querySelector('.bb').textContent)`)
	sameList(t, "the inbox, after a new message", got, all)

	// The visitor, in the widget.
	tb.reload()
	panel := tb.openPanel()
	const widgetLog = `document.querySelector('main.bd')`
	const widgetMsgs = `[...document.querySelectorAll('.log .m:not(.cardm)')]`
	defineInView(t, panel, widgetLog)
	waitJS(t, panel, "the panel opens on its newest messages, the last one in view",
		`(() => { const m = `+widgetMsgs+`; const last = m[m.length - 1]; return m.length >= 40 && m.length < 250 && last && last.innerText.includes(`+jsString(public[len(public)-1])+`) && inView(last); })()`,
		widgetMsgs+`.length`)
	scrollBack(t, panel, "the widget", widgetLog, widgetMsgs, first)
	got = eval[[]string](t, panel, widgetMsgs+`.map((m) => m.querySelector('.bb').textContent)`)
	sameList(t, "the widget", got, public)
}

// seedHistory writes messages to the demo site's conversation id until it
// has n, by its visitor and an agent in turn, with an agents' note every
// 25th, straight into kefu's store. It returns every message's text in
// order, first included, and those the visitor sees.
func (e *env) seedHistory(t *testing.T, id, first string, n int) (all, public []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conv := e.conversation(t, id)
	all, public = []string{first}, []string{first}
	at := time.Now()
	for i := 2; i <= n; i++ {
		m := &chat.Message{Site: "demo", ConversationID: id, ClientID: fmt.Sprintf("seed-%d", i),
			Author: chat.Author{Type: chat.AuthorVisitor, ID: conv.VisitorID}, Text: fmt.Sprintf("第 %d 条：我想问一下订单的事", i), CreatedAt: at}
		if i%2 == 0 {
			m.Author = chat.Author{Type: chat.AuthorAgent, ID: "seed", Name: "王芳"}
			m.Text = fmt.Sprintf("第 %d 条：好的，我来查一下", i)
		}
		if i%25 == 0 {
			m.Private, m.Text = true, fmt.Sprintf("第 %d 条：内部备注", i)
		}
		if _, err := e.kefu.Store().AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		all = append(all, m.Text)
		if !m.Private {
			public = append(public, m.Text)
		}
	}
	return all, public
}

// defineInView defines inView(el) in ctx's page: whether el shows whole
// in the scroller (a JavaScript expression).
func defineInView(t *testing.T, ctx context.Context, scroller string) {
	t.Helper()
	run(t, ctx, `window.inView = (el) => { const r = el.getBoundingClientRect(), s = `+scroller+`.getBoundingClientRect(); return r.height > 0 && r.top >= s.top - 1 && r.bottom <= s.bottom + 1; }`)
}

// scrollBack scrolls the scroller (a JavaScript expression) to its top
// until the message with text first shows, and checks after each page
// that the message that was at the top did not move on screen.
func scrollBack(t *testing.T, ctx context.Context, where, scroller, msgs, first string) {
	t.Helper()
	firstShown := `(() => { const m = ` + msgs + `; return m.length && m[0].querySelector('.bb').textContent === ` + jsString(first) + ` && inView(m[0]); })()`
	for page := 0; !eval[bool](t, ctx, firstShown); page++ {
		if page > 10 {
			t.Fatalf("%s: after %d pages back, the first message does not show", where, page)
		}
		n := eval[int](t, ctx, msgs+`.length`)
		run(t, ctx, `(() => { const s = `+scroller+`; s.scrollTop = 0; window.anchor = `+msgs+`[0]; window.anchorY = anchor.getBoundingClientRect().top; })()`)
		waitJS(t, ctx, fmt.Sprintf("%s: scrolling to the top loads the page before (page %d)", where, page+1),
			fmt.Sprintf(`%s.length > %d || (%s)`, msgs, n, firstShown), msgs+`.length`)
		// The page comes in above what was shown, which stays put.
		if moved := eval[float64](t, ctx, `Math.abs(anchor.getBoundingClientRect().top - anchorY)`); moved > 2 {
			t.Errorf("%s: the message at the top moved %.0f px when the page before came in", where, moved)
		}
	}
}

// sameList fails unless got is want: every message once, in order.
func sameList(t *testing.T, where string, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s shows %d messages, want %d", where, len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("%s shows %q at %d, want %q; around it: %s", where, got[i], i, want[i], strings.Join(got[max(0, i-2):min(len(got), i+3)], " | "))
		}
	}
}
