package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

func TestBubbleAppears(t *testing.T) {
	e := setup(t)
	tb := e.newVisitor(t)
	tb.load("")
	// The site's colour, #1f6feb, arrives with the config; the loader
	// draws a default blue until then.
	b := tb.waitBubble("the bubble has the site's colour #1f6feb", func(b bubbleState) bool { return b.Color == "rgb(31, 111, 235)" })
	if b.Label != "联系客服" || b.Aria != "联系客服" || b.Expanded != "false" {
		t.Errorf("bubble says %q (aria-label %q, aria-expanded %q), want 联系客服, closed", b.Label, b.Aria, b.Expanded)
	}
	if !b.OnTop {
		t.Errorf("the bubble is covered: %+v", b)
	}
	if b.W < 44 || b.H < 44 {
		t.Errorf("bubble is %vx%v, smaller than a 44px touch target", b.W, b.H)
	}
	right, bottom := b.ViewW-(b.X+b.W), b.ViewH-(b.Y+b.H)
	if right < 0 || right > 40 || bottom < 0 || bottom > 40 {
		t.Errorf("bubble is %v px from the right and %v px from the bottom, want the bottom-right corner: %+v", right, bottom, b)
	}
	if b.HasFrame {
		t.Error("the panel's iframe exists before the visitor did anything; only the bubble should load")
	}
	tb.screenshot("bubble-closed")
}

func TestPhoneLayout(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	do(t, tb.ctx, "emulate a phone", chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile, chromedp.EmulateTouch, chromedp.EmulatePortrait))
	tb.load("")
	b := tb.waitBubble("the bubble shows", func(b bubbleState) bool { return b.W > 0 })
	if right, bottom := b.ViewW-(b.X+b.W), b.ViewH-(b.Y+b.H); b.ViewW != 390 || right < 0 || right > 40 || bottom < 0 || bottom > 40 {
		t.Errorf("on a phone the bubble is at %+v, want the bottom-right corner of 390 px", b)
	}
	p := tb.openPanel()
	if b := tb.bubble(); b.FrameW != b.ViewW || b.FrameH != b.ViewH {
		t.Errorf("on a phone the panel is %vx%v, want the whole %vx%v screen", b.FrameW, b.FrameH, b.ViewW, b.ViewH)
	}
	waitJS(t, p, "the panel's close button and message box show", `document.querySelector('header button[aria-label="关闭"]').getBoundingClientRect().width > 0 && document.querySelector('form.cp textarea').getBoundingClientRect().bottom <= innerHeight`)
	tb.screenshot("panel-phone")
	do(t, p, "close from the panel's header", chromedp.Click(chromedp.CSS(`header button[aria-label="关闭"]`)))
	tb.waitOpen(false)
}

func TestOpenFromBubbleAndNavLink(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")

	p := tb.openPanel()
	if b := tb.bubble(); b.Aria != "关闭聊天" {
		t.Errorf("open bubble's aria-label = %q, want 关闭聊天", b.Aria)
	}
	if !eval[bool](t, tb.ctx, `kefu.isOpen()`) {
		t.Error("kefu.isOpen() = false with the panel open")
	}
	waitJS(t, p, "the panel shows the site's name, online, and the topics",
		`document.querySelector('h1').textContent === 'kefu 演示站' && document.querySelector('.st').textContent.includes('在线') && !document.querySelector('.topics').hidden`,
		`document.body.innerText`)
	waitJS(t, p, "the message box has the focus", `document.activeElement === document.querySelector('form.cp textarea')`)
	tb.screenshot("panel-zh-CN")

	do(t, p, "close from the panel's header", chromedp.Click(chromedp.CSS(`header button[aria-label="关闭"]`)))
	tb.waitOpen(false)

	do(t, tb.ctx, "click the nav link", chromedp.Click(chromedp.ID("nav-open")))
	tb.waitOpen(true)
	if path := eval[string](t, tb.ctx, `location.pathname`); path != "/page" {
		t.Errorf("the nav link navigated to %s; data-kefu-open should only open the chat", path)
	}
}

func TestTopicStartsConversation(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()

	waitJS(t, p, "the four topics show", `[...document.querySelectorAll('.topics button.chip')].map((b) => b.textContent).join('/') === '账户/充值与提现/支付问题/账户安全'`,
		`[...document.querySelectorAll('.topics button.chip')].map((b) => b.textContent)`)
	do(t, p, "tap a topic", chromedp.Click(`//button[contains(@class,"chip") and normalize-space()="充值与提现"]`))
	tb.waitMessage("visitor", "充值与提现")
	waitJS(t, p, "the topics are gone", `document.querySelector('.topics').hidden`)

	c := e.conversation(t, tb.conversationID())
	if c.Topic != "deposit" || c.Kind != chat.KindChat || c.Status != chat.StatusOpen || c.Lang != "zh-CN" {
		t.Errorf("conversation = topic %q, kind %q, status %q, lang %q; want deposit, chat, open, zh-CN", c.Topic, c.Kind, c.Status, c.Lang)
	}
	if c.LastMessage == nil || c.LastMessage.Text != "充值与提现" || c.LastMessage.Author.Type != chat.AuthorVisitor {
		t.Errorf("the agent sees the last message %+v, want the visitor's 充值与提现", c.LastMessage)
	}
}

func TestAgentReplySeen(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	tb.openPanel()

	tb.send("我的充值还没到账")
	tb.waitMessage("visitor", "我的充值还没到账")
	e.reply(t, tb.conversationID(), "您好，我来帮您查一下。")
	tb.waitMessage("agent", "您好，我来帮您查一下。")
	p := tb.attachPanel()
	waitJS(t, p, "the reply carries the agent's name and initials", `[...document.querySelectorAll('.log .m.a .who')].some((w) => w.textContent === 'AAdmin' && w.querySelector('.av').textContent === 'A')`,
		`document.querySelector('.log').innerHTML`)
	waitJS(t, p, "the header says who answers", `document.querySelector('header .ag').textContent === ' · AAdmin'`, `document.querySelector('header').innerText`)
}

// An agents' note takes a seq but never shows to the visitor, live or
// after a reload, and the reply after it does.
func TestPrivateNoteStaysHidden(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	tb.openPanel()
	tb.send("我的订单在哪里")
	tb.waitMessage("visitor", "我的订单在哪里")
	id := tb.conversationID()
	note := "内部备注：客户很着急"
	e.agent(t, "POST", "/api/v1/conversations/"+id+"/messages", map[string]any{"text": note, "private": true, "client_id": "e2e-note"}, nil)
	e.reply(t, id, "已经发货了")
	tb.waitMessage("agent", "已经发货了")
	shown := `(` + panelMessagesJS + `).map((m) => m.text).join('|')`
	if got := eval[string](t, tb.attachPanel(), shown); strings.Contains(got, note) {
		t.Fatalf("the visitor sees the note: %s", got)
	}
	tb.reload()
	tb.openPanel()
	tb.waitMessage("agent", "已经发货了")
	if got := eval[string](t, tb.attachPanel(), shown); strings.Contains(got, note) || strings.Count(got, "|") != 1 {
		t.Fatalf("after a reload the visitor sees %q, want their message and the reply only", got)
	}
}

// browsers are the two kinds of browser that the round-trip tests run in:
// one that lets kefu's frame keep storage, and one that blocks third-party
// storage (Chrome's incognito default, Brave, strict Safari or Firefox).
var browsers = []struct {
	name   string
	strict bool
}{{"storage allowed", false}, {"third-party storage blocked", true}}

// visitorIn opens a visitor in the browser of that kind. In the strict one
// it first checks that kefu's frame really is blocked.
func (e *env) visitorIn(t *testing.T, strict bool) *tab {
	t.Helper()
	if strict {
		return e.newStrictVisitor(t)
	}
	return e.newVisitor(t)
}

// checkBlocked fails the test unless the panel's frame can use neither
// localStorage nor Web Locks: otherwise the strict run would prove nothing.
func (tb *tab) checkBlocked() {
	tb.t.Helper()
	blocked := `(() => { const r = []; try { localStorage.length; r.push('storage allowed') } catch (e) { r.push(e.name) }
		return navigator.locks ? navigator.locks.query().then(() => r.concat('locks allowed'), (e) => r.concat(e.name)).then((r) => r.join(' ')) : r.concat('no locks').join(' ') })()`
	if got := eval[string](tb.t, tb.attachPanel(), blocked); got != "SecurityError SecurityError" {
		tb.t.Fatalf("the panel's frame is not blocked (%s)", got)
	}
}

// The round trip a visitor makes: open from the site's nav link, send,
// get the agent's reply, reload and find the conversation, go on in it.
func TestReloadKeepsConversation(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	for _, b := range browsers {
		t.Run(b.name, func(t *testing.T) {
			tb := e.visitorIn(t, b.strict)
			tb.load("")
			do(t, tb.ctx, "click the nav link", chromedp.Click(chromedp.ID("nav-open")))
			tb.waitOpen(true)
			if b.strict {
				tb.checkBlocked()
			}
			tb.send("刷新之前的问题")
			tb.waitMessage("visitor", "刷新之前的问题")
			id := tb.conversationID()
			e.reply(t, id, "刷新之前的回答")
			tb.waitMessage("agent", "刷新之前的回答")

			tb.reload()
			if b := tb.bubble(); b.Expanded != "false" {
				t.Errorf("after a reload the panel is open: %+v", b)
			}
			tb.openPanel()
			tb.waitMessage("visitor", "刷新之前的问题")
			tb.waitMessage("agent", "刷新之前的回答")
			if got := tb.conversationID(); got != id {
				t.Errorf("after a reload the conversation is %s, want %s", got, id)
			}
			tb.send("刷新之后的问题")
			tb.waitMessage("visitor", "刷新之后的问题")
			if c := e.conversation(t, id); c.LastSeq != 3 {
				t.Errorf("conversation has %d messages, want 3 in one conversation", c.LastSeq)
			}
		})
	}
}

// Tabs of one visitor share the conversation: through one socket where
// Web Locks elect a leader, through a socket each where they are blocked.
func TestTabsInSync(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	for _, br := range browsers {
		t.Run(br.name, func(t *testing.T) {
			a := e.visitorIn(t, br.strict)
			a.load("")
			a.openPanel()
			a.send("第一个标签页的消息")
			a.waitMessage("visitor", "第一个标签页的消息")

			b := a.newTab()
			b.load("")
			b.openPanel()
			b.waitMessage("visitor", "第一个标签页的消息")
			b.send("第二个标签页的消息")
			b.waitMessage("visitor", "第二个标签页的消息")
			a.waitMessage("visitor", "第二个标签页的消息")

			if ida, idb := a.conversationID(), b.conversationID(); ida != idb {
				t.Fatalf("tabs have conversations %s and %s, want one", ida, idb)
			}
			e.reply(t, a.conversationID(), "两个标签页都能看到")
			a.waitMessage("agent", "两个标签页都能看到")
			b.waitMessage("agent", "两个标签页都能看到")
		})
	}
}

// With no agent online, the panel stays a chat: it says nobody is online,
// offers the topics and the message box, shows FAQ answers while the
// visitor waits, and the reply arrives in the chat when an agent is back.
func TestOfflineChatAnsweredLater(t *testing.T) {
	e := setup(t)
	e.waitAgentsOnline(t, false)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	zh := widgetStrings(t, "zh-CN")
	waitJS(t, p, "the panel says nobody is online, and keeps the chat",
		`document.querySelector('.away').textContent.startsWith(`+jsString(zh["awayChat"])+`) && !document.querySelector('.away').hidden && !document.querySelector('footer').hidden && !document.querySelector('.topics').hidden && document.querySelector('.st').textContent.includes('离线')`,
		`document.body.innerText`)
	tb.send("晚上有人吗？我的提现一直没到账")
	tb.waitMessage("visitor", "晚上有人吗？我的提现一直没到账")
	waitJS(t, p, "FAQ answers show while the visitor waits", `document.querySelector('.log .cardm .faq li')`, `document.querySelector('.log').innerText`)
	waitJS(t, p, "the note is gone once the chat started", `document.querySelector('.away').hidden`)
	e.reply(t, tb.conversationID(), "早上好，已经帮您查到了，提现已到账。")
	tb.waitMessage("agent", "早上好，已经帮您查到了，提现已到账。")
}

// The leave-a-message form: the visitor's choice on a chat site, or what a
// site offers instead of the chat while nobody is online. After it, the
// visitor can go back.
func TestOfflineForm(t *testing.T) {
	e := setup(t)
	e.waitAgentsOnline(t, false)
	now := time.Now().UTC()
	err := e.kefu.Store().CreateSite(context.Background(), &chat.Site{
		Key: "formsite", Name: "留言站", AllowedOrigins: []string{e.hostURL},
		Widget:    chat.WidgetSettings{DefaultLang: "zh-CN", Languages: []string{"zh-CN"}, Offline: chat.OfflineForm},
		CreatedAt: now, UpdatedAt: now,
	})
	if err != nil && !chat.IsCode(err, chat.CodeConflict) {
		t.Fatal(err)
	}
	t.Run("the site offers the form", func(t *testing.T) {
		tb := e.newVisitor(t)
		tb.load("site=formsite")
		tb.clickBubble()
		tb.waitOpen(true)
		p := tb.frameOf("/chat/formsite")
		waitJS(t, p, "the panel offers the form instead of the chat",
			`document.querySelector('form.leave') && !document.querySelector('form.leave').closest('[hidden]') && document.querySelector('footer').hidden`,
			`document.body.innerText`)
	})

	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	do(t, p, "choose to leave a message", chromedp.Click(chromedp.CSS(`.away button.link`)))
	waitJS(t, p, "the form shows, with the message box first and focused",
		`!document.querySelector('form.leave').closest('[hidden]') && document.activeElement === document.querySelector('form.leave textarea') && document.querySelector('footer').hidden`,
		`document.body.innerText`)
	email := fmt.Sprintf("visitor-%d@example.com", time.Now().UnixNano())
	text := "我晚上想咨询提现的问题，请邮件回复我。"
	do(t, p, "type the message", chromedp.SendKeys(chromedp.CSS(`form.leave textarea`), text))
	// The FAQ answers to the message show right under it, in view.
	waitJS(t, p, "FAQ answers show under the message, without scrolling",
		`(() => { const li = document.querySelector('form.leave .sugg:not([hidden]) .faq li'); if (!li) return false;
			const r = li.getBoundingClientRect(), m = document.querySelector('main').getBoundingClientRect(); return r.top >= m.top && r.bottom <= m.bottom; })()`,
		`document.querySelector('form.leave').innerText`)
	do(t, p, "fill the rest with a bad email and press Enter",
		chromedp.SendKeys(chromedp.CSS(`form.leave input[autocomplete="name"]`), "王小明"),
		chromedp.SendKeys(chromedp.CSS(`form.leave input[type="email"]`), "not-an-email\n"),
	)
	waitJS(t, p, "the form says the email is bad", `document.querySelector('form.leave .err').textContent === '请输入有效的邮箱地址。'`)
	run(t, p, `document.querySelector('form.leave input[type="email"]').value = ''`)
	do(t, p, "correct the email and press Enter", chromedp.SendKeys(chromedp.CSS(`form.leave input[type="email"]`), email+"\n"))
	waitJS(t, p, "the panel thanks the visitor", `[...document.querySelectorAll('.ok')].some((n) => n.textContent === '谢谢！我们已收到您的留言，将通过邮件回复您。')`, `document.body.innerText`)
	do(t, p, "go back to the chat", chromedp.Click(chromedp.CSS(`.done button.pri`)))
	waitJS(t, p, "the chat is back", `!document.querySelector('footer').hidden && !document.querySelector('.away').hidden && document.querySelector('form.leave') && document.querySelector('form.leave').closest('[hidden]')`,
		`document.body.innerText`)

	var list struct {
		Conversations []client.Conversation `json:"conversations"`
	}
	e.agent(t, http.MethodGet, "/api/v1/conversations?limit=100", nil, &list)
	for _, c := range list.Conversations {
		if c.LastMessage == nil || c.LastMessage.Text != text {
			continue
		}
		if c.Kind != chat.KindOffline || c.Email != email {
			t.Errorf("the inbox shows the message in a conversation of kind %q, email %q; want offline, %s", c.Kind, c.Email, email)
		}
		if c.Visitor == nil || c.Visitor.Email != email || c.Visitor.Name != "王小明" {
			t.Errorf("the inbox shows the visitor as %+v, want 王小明 <%s>", c.Visitor, email)
		}
		return
	}
	t.Errorf("the inbox lists no conversation with the message %q", text)
}

func TestFeedbackForm(t *testing.T) {
	e := setup(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()

	do(t, p, "open the feedback form", chromedp.Click(chromedp.CSS(`header button[aria-label="意见反馈"]`)))
	waitJS(t, p, "the feedback form shows", `document.querySelector('form.fb') && !document.querySelector('.fbv').hidden`)
	text := fmt.Sprintf("提现页面的按钮点了没反应（%d）", time.Now().UnixNano())
	do(t, p, "fill and send the feedback",
		chromedp.Click(`//form[contains(@class,"fb")]//label[normalize-space()="问题报告"]`),
		chromedp.SendKeys(chromedp.CSS(`form.fb textarea`), text),
		chromedp.SendKeys(chromedp.CSS(`form.fb input[type="email"]`), "fb@example.com"),
		chromedp.Click(chromedp.CSS(`form.fb button[type="submit"]`)),
	)
	waitJS(t, p, "the panel thanks the visitor", `[...document.querySelectorAll('.ok')].some((n) => n.textContent === '感谢您的反馈！')`, `document.body.innerText`)
	do(t, p, "go back to the chat", chromedp.Click(chromedp.CSS(`.done button.pri`)))
	waitJS(t, p, "the chat is back", `document.querySelector('.fbv').hidden && !document.querySelector('section.chat').hidden && !document.querySelector('footer').hidden`)

	var out struct {
		Feedback []chat.Feedback `json:"feedback"`
	}
	e.agent(t, http.MethodGet, "/api/v1/feedback?limit=50", nil, &out)
	for _, f := range out.Feedback {
		if f.Text == text {
			if f.Category != "bug" || f.Email != "fb@example.com" || f.Lang != "zh-CN" || f.Site != "demo" {
				t.Errorf("stored feedback = %+v, want category bug, fb@example.com, zh-CN, demo", f)
			}
			return
		}
	}
	t.Errorf("the inbox lists no feedback %q", text)
}

func TestRating(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	tb.send("请帮我解锁账户")
	tb.waitMessage("visitor", "请帮我解锁账户")
	id := tb.conversationID()
	// A conversation long enough that the end of it is out of view.
	for i := range 6 {
		e.reply(t, id, fmt.Sprintf("第 %d 步：请按照页面上的提示操作，完成后告诉我。这一步需要您确认手机号码和身份信息。", i+1))
	}
	tb.waitMessage("agent", "第 6 步：请按照页面上的提示操作，完成后告诉我。这一步需要您确认手机号码和身份信息。")
	run(t, p, `document.querySelector('main').scrollTop = 0`)

	e.agent(t, http.MethodPost, "/api/v1/conversations/"+id+"/status", map[string]string{"status": "resolved"}, nil)
	waitJS(t, p, "the panel says the chat is resolved", `document.querySelector('.end .note') && document.querySelector('.end .note').textContent === '此对话已解决。' && !document.querySelector('.end').parentElement.hidden`,
		`document.body.innerText`)
	waitJS(t, p, "the rating is scrolled into view",
		`(() => { const r = document.querySelector('form.rating').getBoundingClientRect(), m = document.querySelector('main').getBoundingClientRect(); return r.top >= m.top && r.bottom <= m.bottom + 1; })()`,
		`[document.querySelector('form.rating').getBoundingClientRect().toJSON(), document.querySelector('main').getBoundingClientRect().toJSON()]`)
	waitJS(t, p, "the message box is gone", `document.querySelector('footer').hidden`)
	do(t, p, "rate five stars with a comment",
		chromedp.Click(chromedp.CSS(`fieldset.stars label.star:nth-of-type(5)`)),
		chromedp.SendKeys(chromedp.CSS(`form.rating textarea`), "很快就解决了，谢谢"),
	)
	waitJS(t, p, "five stars light up", `document.querySelectorAll('fieldset.stars label.star.on').length === 5`)
	do(t, p, "send the rating", chromedp.Click(chromedp.CSS(`form.rating button[type="submit"]`)))
	waitJS(t, p, "the panel thanks the visitor", `[...document.querySelectorAll('.end .ok')].some((n) => n.textContent === '感谢您的评价！')`, `document.body.innerText`)

	if c := e.conversation(t, id); c.Rating != 5 || c.RatingComment != "很快就解决了，谢谢" || c.Status != chat.StatusResolved {
		t.Errorf("stored rating %d %q, status %s; want 5 很快就解决了，谢谢 resolved", c.Rating, c.RatingComment, c.Status)
	}
}

func TestLanguageSwitch(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("lang=en")
	en, zh, ar := widgetStrings(t, "en"), widgetStrings(t, "zh-CN"), widgetStrings(t, "ar")
	if b := tb.bubble(); b.Label != en["bubble"] {
		t.Fatalf("with data-lang=en the bubble says %q, want %q", b.Label, en["bubble"])
	}
	p := tb.openPanel()
	checkPanelLang(t, p, "en", en)

	run(t, tb.ctx, `kefu.setLanguage('zh-CN')`)
	checkPanelLang(t, p, "zh-CN", zh)
	if b := tb.bubble(); b.Aria != zh["closeChat"] || b.Dir != "ltr" {
		t.Errorf("after setLanguage('zh-CN') the open bubble is labelled %q, dir %s; want %q, ltr", b.Aria, b.Dir, zh["closeChat"])
	}

	run(t, tb.ctx, `kefu.setLanguage('ar')`)
	checkPanelLang(t, p, "ar", ar)
	if b := tb.bubble(); b.Aria != ar["closeChat"] || b.Dir != "rtl" {
		t.Errorf("after setLanguage('ar') the open bubble is labelled %q, dir %s; want %q, rtl", b.Aria, b.Dir, ar["closeChat"])
	}
	// No half-English panel: apart from the site's name, "kefu 演示站",
	// and the language switcher, which names each language in its own
	// words, nothing the visitor sees or hears is in Latin letters, neither
	// an English string nor the key of a missing one.
	shown := eval[string](t, p, `(() => { const sel = document.querySelector('select.lng'); sel.style.display = 'none';
		const text = document.body.innerText; sel.style.display = '';
		return text + '\n' + [...document.querySelectorAll('[aria-label],[placeholder],[title]')].map((n) => [n.getAttribute('aria-label'), n.getAttribute('placeholder'), n.getAttribute('title')].join('\n')).join('\n') })()`)
	if latin := regexp.MustCompile(`[A-Za-z]{2,}`).FindAllString(strings.ReplaceAll(shown, "kefu", ""), -1); len(latin) > 0 {
		t.Errorf("the Arabic panel shows Latin words %q in:\n%s", latin, shown)
	}
	tb.screenshot("panel-ar")
	run(t, tb.ctx, `kefu.close()`)
	if b := tb.bubble(); b.Label != ar["bubble"] || b.Dir != "rtl" {
		t.Errorf("the closed bubble says %q, dir %s; want %q, rtl", b.Label, b.Dir, ar["bubble"])
	}
}

// checkPanelLang waits until the panel is in lang, with its strings.
func checkPanelLang(t *testing.T, p context.Context, lang string, s map[string]string) {
	t.Helper()
	dir := "ltr"
	if lang == "ar" {
		dir = "rtl"
	}
	waitJS(t, p, "the panel is in "+lang,
		fmt.Sprintf(`document.documentElement.lang === %s && document.documentElement.dir === %s && document.querySelector('form.cp textarea').placeholder === %s && document.querySelector('.st').textContent === %s && document.querySelector('header button[aria-label=%s]')`,
			jsString(lang), jsString(dir), jsString(s["placeholder"]), jsString(s["online"]), jsString(s["close"])),
		`[document.documentElement.lang, document.documentElement.dir, document.querySelector('form.cp textarea').placeholder, document.querySelector('.st').textContent]`)
}

func TestHostileCSS(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("css=hostile")
	if !eval[bool](t, tb.ctx, `getComputedStyle(document.querySelector('.content')).display === 'none'`) {
		t.Fatal("the page's hostile CSS is not in effect, so this test proves nothing")
	}
	b := tb.bubble()
	if b.Label != "联系客服" || !b.OnTop || b.W < 44 || b.H < 44 {
		t.Fatalf("under hostile CSS the bubble is %+v", b)
	}
	p := tb.openPanel()
	if b := tb.bubble(); b.FrameW < 300 || b.FrameH < 400 {
		t.Errorf("under hostile CSS the panel is %vx%v", b.FrameW, b.FrameH)
	}
	do(t, p, "type and press the send button",
		chromedp.SendKeys(chromedp.CSS("form.cp textarea"), "样式被破坏了也能发消息"),
		chromedp.Click(chromedp.CSS(`form.cp button[type="submit"]`)),
	)
	tb.waitMessage("visitor", "样式被破坏了也能发消息")
	tb.screenshot("hostile-css")
}

func TestXSSShownAsText(t *testing.T) {
	e := setup(t)
	e.agentOnline(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	dialogs := watchDialogs(t, tb.ctx, p)

	payloads := []string{`<img src=x onerror=alert(1)>`, `<script>alert(2)</script>`}
	for _, s := range payloads {
		tb.send(s)
		tb.waitMessage("visitor", s)
	}
	reply := `<img src=x onerror=alert(3)><b>粗体</b>`
	e.reply(t, tb.conversationID(), reply)
	tb.waitMessage("agent", reply)

	if n := eval[int](t, p, `document.querySelectorAll('.log img, .log script, .log b').length`); n != 0 {
		t.Errorf("the messages created %d elements; message text must stay text", n)
	}
	// Give an injected handler time to run, then make sure the watch
	// itself works: a real dialog must be seen.
	time.Sleep(300 * time.Millisecond)
	if got := dialogs.drain(); len(got) != 0 {
		t.Errorf("dialogs opened: %q", got)
	}
	run(t, p, `setTimeout(() => alert('probe'))`)
	if got := dialogs.wait(t); got != "probe" {
		t.Errorf("the dialog watch saw %q, want the probe", got)
	}
}

func TestOriginNotAllowed(t *testing.T) {
	e := setup(t)
	now := time.Now().UTC()
	err := e.kefu.Store().CreateSite(context.Background(), &chat.Site{
		Key: "locked", Name: "Locked", AllowedOrigins: []string{"http://localhost:1"},
		Widget:    chat.WidgetSettings{DefaultLang: "zh-CN", Languages: []string{"zh-CN"}},
		CreatedAt: now, UpdatedAt: now,
	})
	if err != nil && !chat.IsCode(err, chat.CodeConflict) {
		t.Fatal(err)
	}
	tb := e.newVisitor(t)
	tb.load("site=locked")
	waitJS(t, tb.ctx, "the loader ran", `window.kefu && window.kefu.v === 1`)
	waitJS(t, tb.ctx, "the loader removed its bubble", `!document.querySelector('kefu-widget')`)
	run(t, tb.ctx, `kefu.open()`)
	time.Sleep(300 * time.Millisecond)
	if eval[bool](t, tb.ctx, `!!document.querySelector('kefu-widget, iframe')`) {
		t.Error("kefu.open() on a refused page brought the widget back")
	}

	// The chat page itself refuses to be framed by the page. The same
	// page may frame the demo site, which allows every origin.
	do(t, tb.ctx, "load a page that frames the demo chat", chromedp.Navigate(e.hostURL+"/frame?site=demo"))
	waitJS(t, tb.frameOf("/chat/demo"), "the demo chat shows in the frame", `document.querySelector('.app')`)
	do(t, tb.ctx, "load a page that frames the locked chat", chromedp.Navigate(e.hostURL+"/frame?site=locked"))
	frame := tb.frameOf("/chat/locked")
	// Chromium shows its error page in a frame that CSP frame-ancestors
	// blocked.
	waitJS(t, frame, "the browser blocked the framed chat page", `location.protocol === 'chrome-error:' && !document.querySelector('body[data-site]')`,
		`location.href`, `document.documentElement.outerHTML.slice(0, 300)`)
}

// dialogWatch collects the JavaScript dialogs (alert, confirm, prompt)
// that open in some tabs or frames, and dismisses them.
type dialogWatch chan string

func watchDialogs(t *testing.T, ctxs ...context.Context) dialogWatch {
	t.Helper()
	ch := make(dialogWatch, 16)
	for _, ctx := range ctxs {
		ctx, cancel := context.WithCancel(ctx)
		t.Cleanup(cancel)
		evs := chromedp.Events(ctx, page.JavascriptDialogOpening)
		go func() {
			for ev, err := range evs {
				if err != nil {
					return
				}
				select {
				case ch <- ev.Message:
				default:
				}
				_, _ = chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
			}
		}()
	}
	return ch
}

func (d dialogWatch) drain() []string {
	var got []string
	for {
		select {
		case m := <-d:
			got = append(got, m)
		default:
			return got
		}
	}
}

func (d dialogWatch) wait(t *testing.T) string {
	t.Helper()
	select {
	case m := <-d:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no dialog seen")
		return ""
	}
}

// faqSearches reads kefu's count of FAQ searches for visitors, by how
// they were asked for: "typing" or "message".
func (e *env) faqSearches(t *testing.T) map[string]int {
	t.Helper()
	res, err := http.Get(e.kefuURL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	out := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		var via string
		var n int
		if strings.HasPrefix(line, "kefu_faq_searches_total{") {
			if _, err := fmt.Sscanf(strings.ReplaceAll(line[len("kefu_faq_searches_total{"):], `"`, " "), "via= %s } %d", &via, &n); err == nil {
				out[via] = n
			}
		}
	}
	return out
}

// One visitor message makes one FAQ search: the server's, whose answers
// the panel shows under the message; the panel does not search again.
func TestOneFAQSearchPerMessage(t *testing.T) {
	e := setup(t)
	tb := e.newVisitor(t)
	tb.load("")
	p := tb.openPanel()
	before := e.faqSearches(t)
	// The text is put in the box without typing, so that the search as
	// one types does not run, and sent with the send button.
	run(t, p, `(() => { const ta = document.querySelector('form.cp textarea'); ta.value = '提现多久到账'; ta.form.requestSubmit(); })()`)
	tb.waitMessage("visitor", "提现多久到账")
	waitJS(t, p, "the server's answers show under the message", `document.querySelector('.log .cardm .faq li')`, `document.querySelector('.log').innerHTML`)
	time.Sleep(time.Second) // long enough for a second search to arrive
	after := e.faqSearches(t)
	if got := after["message"] - before["message"]; got != 1 {
		t.Errorf("searches after the message = %d, want 1", got)
	}
	if got := after["typing"] - before["typing"]; got != 0 {
		t.Errorf("searches as one types = %d, want 0: the panel searched the message again", got)
	}
}
