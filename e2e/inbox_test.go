package e2e

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

// TestInbox drives the agents' inbox as the admin, against a visitor
// played by the Go client: the conversation arrives live, the agent
// answers with Enter, writes an internal note, and resolves it; the
// visitor's socket sees what a visitor should, and nothing more.
func TestInbox(t *testing.T) {
	e := setup(t)
	// Cleanups run last first: this one waits, after the inbox's tab is
	// gone, until nobody is online again, as the other tests expect.
	t.Cleanup(func() { e.waitAgentsOnline(t, false) })
	in := e.newVisitor(t) // a tab with a browser context, and cookies, of its own
	console := watchConsole(t, in.ctx)
	dialogs := watchDialogs(t, in.ctx)

	do(t, in.ctx, "open the inbox", chromedp.Navigate(e.kefuURL+"/inbox"))
	waitJS(t, in.ctx, "the login form shows", `!document.getElementById('login').hidden`, `document.body.innerText`)
	do(t, in.ctx, "log in with the form",
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=email]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), adminPassword+"\n"),
	)
	in.waitLive()
	// The browser speaks zh-CN, and so does the inbox.
	waitJS(t, in.ctx, "the inbox is in Chinese", `document.documentElement.lang === 'zh-CN' && document.querySelector('.views [data-view=conversations]').textContent === '会话'`,
		`document.querySelector('header.top').innerText`)

	// A visitor starts a conversation after the inbox loaded its list.
	v := e.newGoVisitor(t, "deposit")
	first := fmt.Sprintf("我的提现还没到账（%d）", time.Now().UnixNano())
	v.send(first)
	row := fmt.Sprintf(`document.querySelector('#convs button[data-id=%s]')`, jsString(v.conv.ID))
	waitJS(t, in.ctx, "the new conversation shows live in the list, unread",
		row+` && `+row+`.querySelector('.preview').textContent === `+jsString(first)+` && `+row+`.querySelector('.dot')`,
		`document.getElementById('convs').innerText`)

	waitJS(t, in.ctx, "the list shows the topic's label", row+`.querySelector('.badge.topic').textContent === '充值与提现'`, row+`.innerText`)
	openRow(t, in.ctx, v.conv.ID)
	in.waitInboxMessage("visitor", first, "sent")
	info := `document.getElementById('info').innerText`
	waitJS(t, in.ctx, "the visitor's details show: the topic's label (not its id), identity and attributes",
		info+`.includes('充值与提现') && !`+info+`.includes('deposit') && `+info+`.includes('未验证') && `+info+`.includes('<b>pro</b>') && `+info+`.includes('A1024')`, info)
	waitJS(t, in.ctx, "opening it marks it read", `!`+row+`.querySelector('.dot')`)
	e.waitConversation(t, v.conv.ID, "the agents' read mark is stored", func(c client.Conversation) bool { return c.AgentReadSeq == 1 })

	// The visitor's typing shows; the agent's typing reaches the visitor.
	if err := v.ws.Send(client.Frame{Type: "typing", ConversationID: v.conv.ID, Typing: true}); err != nil {
		t.Fatal(err)
	}
	waitJS(t, in.ctx, "the visitor's typing shows", `document.getElementById('typing').textContent.endsWith('正在输入…')`)

	reply := "您好，我来帮您查一下。"
	do(t, in.ctx, "type a reply and press Enter", chromedp.SendKeys(chromedp.CSS(`#reply`), reply+"\n"))
	if f := v.expect("the agent's typing", func(f client.Frame) bool { return f.Type == "typing" }); f.Author == nil || f.Author.Type != chat.AuthorAgent || !f.Typing {
		t.Errorf("the visitor got typing %+v, want the agent typing", f)
	}
	v.expectReply(reply)
	in.waitInboxMessage("agent", reply, "sent")
	if got := eval[string](t, in.ctx, `document.getElementById('reply').value`); got != "" {
		t.Errorf("after sending, the reply box holds %q", got)
	}

	// An internal note stays with the agents: the visitor learns only
	// that its seq is taken, so that their sequence has no hole, and the
	// next agent message they get is the reply written after it.
	note := "内部备注：已转财务核实"
	do(t, in.ctx, "write an internal note",
		chromedp.Click(chromedp.CSS(`#private`)),
		chromedp.SendKeys(chromedp.CSS(`#reply`), note+"\n"),
	)
	waitJS(t, in.ctx, "the note shows as a confirmed internal note",
		`[...document.querySelectorAll('#log li.m.note[data-state=sent] .bb')].some((b) => b.textContent === `+jsString(note)+`)`,
		`document.getElementById('log').innerText`)
	ph := v.expect("the note's placeholder", func(f client.Frame) bool {
		return f.Type == "message" && f.Message != nil && f.Message.Private
	})
	if m := ph.Message; m.Text != "" || m.Author != (chat.Author{}) || !m.CreatedAt.IsZero() || strings.Contains(string(ph.Raw), note) {
		t.Errorf("the visitor's placeholder for a note says too much: %s", ph.Raw)
	}
	after := "财务正在处理，请稍候。"
	do(t, in.ctx, "answer the visitor again",
		chromedp.Click(chromedp.CSS(`#private`)),
		chromedp.SendKeys(chromedp.CSS(`#reply`), after+"\n"),
	)
	v.expectReply(after)

	// What a visitor writes is text, in the thread and in the list.
	payload := `<img src=x onerror=alert(1)><script>alert(2)</script>`
	v.send(payload)
	in.waitInboxMessage("visitor", payload, "sent")
	waitJS(t, in.ctx, "the list previews the payload as text", row+`.querySelector('.preview').textContent === `+jsString(payload))
	if n := eval[int](t, in.ctx, `document.querySelectorAll('#log img, #log script, #convs img, #convs script, #info b, #info img').length`); n != 0 {
		t.Errorf("the visitor's text created %d elements in the inbox", n)
	}
	time.Sleep(300 * time.Millisecond) // time for an injected handler to run
	if got := dialogs.drain(); len(got) != 0 {
		t.Errorf("dialogs opened: %q", got)
	}
	in.screenshot("inbox")

	do(t, in.ctx, "assign it to me", chromedp.Click(chromedp.CSS(`#assign`)))
	waitJS(t, in.ctx, "the inbox shows it assigned", `document.getElementById('th-assignee').textContent === '已分配给你' && document.getElementById('assign').hidden`)
	var me struct {
		Agent chat.Agent `json:"agent"`
	}
	e.agent(t, http.MethodGet, "/api/v1/me", nil, &me)
	if c := e.conversation(t, v.conv.ID); c.AssigneeID != me.Agent.ID {
		t.Errorf("the conversation is assigned to %q, want the admin %q", c.AssigneeID, me.Agent.ID)
	}
	waitJS(t, in.ctx, "the assignee menu names the admin", `document.getElementById('assignee').value === `+jsString(me.Agent.ID))

	// The list's filter: unassigned ones hide it, mine show it.
	filter := func(value string) {
		t.Helper()
		run(t, in.ctx, `(() => { const s = document.getElementById('assignee-filter'); s.value = `+jsString(value)+`; s.dispatchEvent(new Event('change')); })()`)
	}
	filter("none")
	waitJS(t, in.ctx, "the unassigned filter hides it", `!`+row, `document.getElementById('convs').innerText`)
	filter("me")
	waitJS(t, in.ctx, "the mine filter shows it", row, `document.getElementById('convs').innerText`)
	filter("")
	waitJS(t, in.ctx, "everyone's shows it", row)

	// Unassigned from the menu, set aside as pending, then reopened.
	run(t, in.ctx, `(() => { const s = document.getElementById('assignee'); s.value = ''; s.dispatchEvent(new Event('change')); })()`)
	waitJS(t, in.ctx, "the inbox shows it unassigned", `document.getElementById('th-assignee').textContent === '未分配' && !document.getElementById('assign').hidden`)
	do(t, in.ctx, "set it pending", chromedp.Click(chromedp.CSS(`#pending`)))
	waitJS(t, in.ctx, "it is pending, out of the open list", `document.getElementById('th-status').textContent === '待处理' && !`+row+` && document.getElementById('pending').hidden && !document.getElementById('reopen').hidden`)
	if c := e.conversation(t, v.conv.ID); c.AssigneeID != "" || c.Status != chat.StatusPending {
		t.Errorf("stored: assignee %q, status %q; want none and pending", c.AssigneeID, c.Status)
	}
	do(t, in.ctx, "reopen it", chromedp.Click(chromedp.CSS(`#reopen`)))
	waitJS(t, in.ctx, "it is open again", `document.getElementById('th-status').textContent === '进行中' && `+row)

	do(t, in.ctx, "resolve", chromedp.Click(chromedp.CSS(`#resolve`)))
	if f := v.expect("the status", func(f client.Frame) bool {
		return f.Type == "status" && f.Status != string(chat.StatusPending) && f.Status != string(chat.StatusOpen)
	}); f.Status != string(chat.StatusResolved) || f.ConversationID != v.conv.ID {
		t.Errorf("the visitor got status %q for %s, want resolved for %s", f.Status, f.ConversationID, v.conv.ID)
	}
	waitJS(t, in.ctx, "the inbox shows it resolved, out of the open list",
		`document.getElementById('th-status').textContent === '已解决' && !`+row+` && !document.getElementById('reopen').hidden`)

	// A reload keeps the agent logged in (the refresh cookie) and reopens
	// the conversation from the address.
	in.reload()
	in.waitLive()
	in.waitInboxMessage("visitor", first, "sent")
	in.waitInboxMessage("agent", reply, "sent")
	waitJS(t, in.ctx, "the reopened conversation is resolved", `document.getElementById('th-status').textContent === '已解决'`)

	// A message left while nobody was online is marked as such, with the
	// email to answer.
	email := fmt.Sprintf("offline-%d@example.com", time.Now().UnixNano())
	offline := e.leaveMessage(t, email, "晚上再联系我")
	orow := fmt.Sprintf(`document.querySelector('#convs button[data-id=%s]')`, jsString(offline))
	waitJS(t, in.ctx, "the offline message shows live, marked, with its email",
		orow+` && `+orow+`.querySelector('.badge.off') && `+orow+`.querySelector('.email').textContent === `+jsString(email),
		`document.getElementById('convs').innerText`)

	// A hash proves the user id only: the inbox marks the page's name as
	// unverified.
	site, err := e.kefu.Store().Site(context.Background(), "demo")
	if err != nil {
		t.Fatal(err)
	}
	hv := e.newGoVisitorAs(t, "", &client.Identity{ID: "user-7", Name: "页面说的名字", Hash: auth.UserHash(site.IdentitySecret, "user-7")})
	hv.send("verified hello")
	openRow(t, in.ctx, hv.conv.ID)
	waitJS(t, in.ctx, "the user id shows verified, the page's name not",
		info+`.includes('用户 ID user-7 已由网站验证') && `+info+`.includes('页面说的名字 （未验证）')`, info)

	// More entries than one page: unpublished, so no visitor sees them.
	extra := make([]chat.FAQ, 120)
	for i := range extra {
		extra[i] = chat.FAQ{ID: fmt.Sprintf("inbox-page-%03d", i), Lang: "en", Category: "zz", Question: fmt.Sprintf("Paged question %d", i),
			Answer: "a", Order: 10_000, UpdatedAt: time.Now()}
	}
	if err := e.kefu.Store().SaveFAQs(context.Background(), "demo", extra); err != nil {
		t.Fatal(err)
	}
	do(t, in.ctx, "open the FAQ tab", chromedp.Click(chromedp.CSS(`.views [data-view=faq]`)))
	waitJS(t, in.ctx, "the demo FAQ lists its first page with counts, and offers more",
		`document.querySelectorAll('#faq tr').length === 100 && document.querySelector('#faq td.num') && !document.getElementById('faq-more').hidden`,
		`document.getElementById('view-faq').innerText`)
	// Click "Load more" until it goes: the button is disabled while a page
	// loads, so a click never loads one page twice.
	waitJS(t, in.ctx, "every page is appended once, and no more is offered",
		`(() => { const more = document.getElementById('faq-more'); if (!more.hidden) { more.click(); return false; }
			const rows = [...document.querySelectorAll('#faq tr b')].map((b) => b.textContent);
			return rows.at(-1) === 'Paged question 119' && new Set(rows).size === rows.length && rows.length > 200; })()`,
		`document.querySelectorAll('#faq tr').length`)
	do(t, in.ctx, "open the Feedback tab", chromedp.Click(chromedp.CSS(`.views [data-view=feedback]`)))
	waitJS(t, in.ctx, "the feedback tab loads", `!document.getElementById('view-feedback').hidden && (document.querySelector('#feedback tr select.fb-status') || document.getElementById('feedback-empty').textContent === '还没有反馈。')`,
		`document.getElementById('view-feedback').innerText`)

	// The agent switches the inbox to English: the page redraws in it,
	// still logged in, and keeps the choice.
	// One script picks and announces the choice: the change reloads the
	// page, so a second step could run on the new one.
	run(t, in.ctx, `(() => { const s = document.getElementById('lang'); s.value = 'en'; s.dispatchEvent(new Event('change')); })()`)
	waitJS(t, in.ctx, "the inbox shows in English after the switch",
		`!document.getElementById('app').hidden && document.documentElement.lang === 'en' && document.querySelector('.views [data-view=conversations]').textContent === 'Conversations' && document.getElementById('lang').value === 'en'`,
		`document.querySelector('header.top').innerText`)
	in.waitLive()

	do(t, in.ctx, "log out", chromedp.Click(chromedp.CSS(`#logout`)))
	waitJS(t, in.ctx, "the login form shows, in English", `!document.getElementById('login').hidden && document.getElementById('login-error').textContent === 'You are logged out.'`)
	in.reload()
	waitJS(t, in.ctx, "after logging out, a reload asks to log in", `!document.getElementById('login').hidden && document.getElementById('app').hidden`)

	if bad := console.problems(); len(bad) > 0 {
		t.Errorf("the inbox had script errors or CSP violations:\n%s", strings.Join(bad, "\n"))
	}
}

// TestInboxTwoFactor enrols an agent in two-factor login on the account
// page, with the QR code and recovery codes it shows, then logs in with
// the authenticator's code; another agent logs in with a recovery code.
// The form asks for the code only once the password is right.
func TestInboxTwoFactor(t *testing.T) {
	e := setup(t)
	t.Cleanup(func() { e.waitAgentsOnline(t, false) })
	hash, err := auth.HashPassword("two-factor-password")
	if err != nil {
		t.Fatal(err)
	}
	email := fmt.Sprintf("2fa-%d@example.com", time.Now().UnixNano())
	err = e.kefu.Store().CreateAgent(context.Background(), &chat.Agent{ID: chat.NewID(), Email: email, Name: "二次验证客服",
		PasswordHash: hash, Role: chat.RoleAgent, Sites: []string{"demo"}, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}

	in := e.newVisitor(t)
	do(t, in.ctx, "open the inbox", chromedp.Navigate(e.kefuURL+"/inbox#account"))
	in.logIn(email, "two-factor-password", "")
	waitJS(t, in.ctx, "the account page says two-factor login is off", `document.getElementById('twofactor').dataset.on === 'false'`,
		`document.getElementById('view-account').innerText`)
	do(t, in.ctx, "start the enrolment",
		chromedp.SendKeys(chromedp.CSS(`#totp-start input[name=current_password]`), "two-factor-password"),
		chromedp.Click(chromedp.CSS(`#totp-start button[type=submit]`)),
	)
	waitJS(t, in.ctx, "the QR code, the key and ten recovery codes show",
		`document.querySelector('canvas.qr') && document.querySelector('canvas.qr').width >= 29 * 4 && document.querySelectorAll('#recovery-codes li').length === 10 && document.getElementById('totp-secret').textContent.length >= 16`,
		`document.getElementById('view-account').innerText`)
	// The canvas holds a QR code: dark and light modules, a light border.
	if dark := eval[float64](t, in.ctx, `(() => { const c = document.querySelector('canvas.qr'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i] === 0) n++; return n / (d.length / 4); })()`); dark < 0.2 || dark > 0.6 {
		t.Errorf("%.0f%% of the QR code's pixels are dark; want a QR code", dark*100)
	}
	in.screenshot("two-factor")
	secret := eval[string](t, in.ctx, `document.getElementById('totp-secret').textContent`)
	code, err := totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	do(t, in.ctx, "confirm with a code",
		chromedp.SendKeys(chromedp.CSS(`#totp-confirm input[name=code]`), code),
		chromedp.Click(chromedp.CSS(`#totp-confirm button[type=submit]`)),
	)
	waitJS(t, in.ctx, "two-factor login is on", `document.getElementById('twofactor').dataset.on === 'true'`,
		`document.getElementById('view-account').innerText`)

	do(t, in.ctx, "log out", chromedp.Click(chromedp.CSS(`#logout`)))
	code, err = totp.GenerateCode(secret, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	in.logIn(email, "two-factor-password", code)
	if got := eval[string](t, in.ctx, `document.getElementById('me').textContent`); got != "二次验证客服" {
		t.Errorf("after a login with a code, the inbox names the agent %q, want 二次验证客服", got)
	}

	// A recovery code logs in too. Each login with two factors takes two
	// of the 5 attempts an account has at once (the password, then the
	// code), and the enrolment took three: this login is another agent's,
	// enrolled in the store, with recovery codes made as the server makes
	// them.
	do(t, in.ctx, "log out", chromedp.Click(chromedp.CSS(`#logout`)))
	codes, hashes := auth.NewRecoveryCodes(10)
	other := "recovery-" + email
	err = e.kefu.Store().CreateAgent(context.Background(), &chat.Agent{ID: chat.NewID(), Email: other, Name: "恢复码客服",
		PasswordHash: hash, Role: chat.RoleAgent, Sites: []string{"demo"}, TOTPSecret: secret, RecoveryHashes: hashes, CreatedAt: time.Now()})
	if err != nil {
		t.Fatal(err)
	}
	in.logIn(other, "two-factor-password", codes[3])
	if got := eval[string](t, in.ctx, `document.getElementById('me').textContent`); got != "恢复码客服" {
		t.Errorf("after a login with a recovery code, the inbox names the agent %q, want 恢复码客服", got)
	}
	// An agent, not an admin: no Feedback tab, and the FAQ tab reads.
	if eval[bool](t, in.ctx, `!document.querySelector('.views [data-view=feedback]').hidden`) {
		t.Error("an agent-role account sees the Feedback tab")
	}
	do(t, in.ctx, "open the FAQ tab", chromedp.Click(chromedp.CSS(`.views [data-view=faq]`)))
	waitJS(t, in.ctx, "the FAQ lists for an agent, read-only: no edit controls",
		`document.querySelectorAll('#faq tr').length > 0 && !document.querySelector('#faq button') && [...document.querySelectorAll('#view-faq .faq-admin')].every((el) => el.hidden) && document.getElementById('faq-form').hidden`,
		`document.getElementById('view-faq').innerText`)
}

// logIn logs in with the inbox's form: with code, the form must ask for it
// after the password.
func (tb *tab) logIn(email, password, code string) {
	tb.t.Helper()
	t := tb.t
	waitJS(t, tb.ctx, "the login form shows, without the code field", `!document.getElementById('login').hidden && document.getElementById('totp-field').hidden`)
	do(t, tb.ctx, "log in with the password",
		chromedp.SetValue(chromedp.CSS(`#login-form input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), password+"\n"),
	)
	if code != "" {
		waitJS(t, tb.ctx, "the form asks for the code, with the focus on it",
			`!document.getElementById('totp-field').hidden && document.activeElement === document.querySelector('input[name=totp]')`,
			`document.getElementById('login-error').textContent`)
		do(t, tb.ctx, "enter the code", chromedp.SendKeys(chromedp.CSS(`#login-form input[name=totp]`), code+"\n"))
	}
	tb.waitLive()
}

// waitLive waits until the inbox shows, logged in, with its socket up.
func (tb *tab) waitLive() {
	tb.t.Helper()
	waitJS(tb.t, tb.ctx, "the inbox shows, with a live socket",
		`!document.getElementById('app').hidden && document.body.dataset.conn === 'online'`,
		`document.body.innerText`)
}

// waitInboxMessage waits until the inbox's open conversation shows a message
// of who (visitor or agent) with exactly text, in state (sending, sent or
// failed).
func (tb *tab) waitInboxMessage(who, text, state string) {
	tb.t.Helper()
	cls := map[string]string{"visitor": "v", "agent": "a"}[who]
	waitJS(tb.t, tb.ctx, fmt.Sprintf("the inbox shows the %s's message %q, %s", who, text, state),
		fmt.Sprintf(`[...document.querySelectorAll('#log li.m.%s[data-state=%s] .bb')].some((b) => b.textContent === %s)`, cls, state, jsString(text)),
		`document.getElementById('log').innerText`)
}

// visitorAttributes are what the site tells of a Go visitor; one value is
// markup, which the inbox must show as text.
var visitorAttributes = map[string]string{"plan": "<b>pro</b>", "order": "A1024"}

// goVisitor is a visitor of the demo site played by the Go client.
type goVisitor struct {
	t     *testing.T
	conv  *client.Conversation
	ws    *client.Socket
	token string // the session's
	n     int
}

func (e *env) newGoVisitor(t *testing.T, topic string) *goVisitor {
	t.Helper()
	return e.newGoVisitorAs(t, topic, nil)
}

// newGoVisitorAs is a visitor that the site says is user, or anonymous
// for nil.
func (e *env) newGoVisitorAs(t *testing.T, topic string, user *client.Identity) *goVisitor {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := client.New(e.kefuURL)
	var sess client.Session
	body := map[string]any{"attributes": visitorAttributes}
	if user != nil {
		body["user"] = user
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/widget/demo/session", "", body, &sess)
	if err != nil {
		t.Fatalf("visitor session: %v", err)
	}
	conv, err := c.StartConversation(ctx, "demo", sess.Token, topic)
	if err != nil {
		t.Fatalf("start a conversation: %v", err)
	}
	ws, _, err := c.Dial(ctx, sess.Token)
	if err != nil {
		t.Fatalf("visitor socket: %v", err)
	}
	t.Cleanup(func() { ws.Close() })
	return &goVisitor{t: t, conv: conv, ws: ws, token: sess.Token}
}

// send sends text and waits for its ack.
func (v *goVisitor) send(text string) {
	v.t.Helper()
	v.n++
	id := fmt.Sprintf("v%d", v.n)
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv.ID, ClientID: id, Text: text}); err != nil {
		v.t.Fatal(err)
	}
	if f := v.expect("the ack of "+id, func(f client.Frame) bool { return f.ClientID == id }); f.Type != "ack" {
		v.t.Fatalf("sending %q got %+v, want an ack", text, f)
	}
}

// leaveMessage leaves a message as a new visitor, as the widget's offline
// form does, and returns its conversation's id.
func (e *env) leaveMessage(t *testing.T, email, text string) string {
	t.Helper()
	var out struct {
		Conversation client.Conversation `json:"conversation"`
	}
	e.newVisitorPost(t, "/offline", map[string]string{"email": email, "text": text}, &out)
	return out.Conversation.ID
}

// expect waits for the first frame that match accepts.
func (v *goVisitor) expect(what string, match func(client.Frame) bool) client.Frame {
	v.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	f, err := v.ws.Expect(ctx, match)
	if err != nil {
		v.t.Fatalf("the visitor's socket did not get %s: %v", what, err)
	}
	return f
}

// expectReply waits for the next message of an agent and checks its text.
func (v *goVisitor) expectReply(text string) {
	v.t.Helper()
	f := v.expect("an agent's message", func(f client.Frame) bool {
		return f.Type == "message" && f.Message != nil && f.Message.Author.Type != chat.AuthorVisitor
	})
	if m := f.Message; m.Text != text || m.Author.Type != chat.AuthorAgent || m.Private {
		v.t.Errorf("the visitor got %s message %q (private %v), want the agent's %q", m.Author.Type, m.Text, m.Private, text)
	}
}

// waitConversation polls the agent API until the conversation satisfies ok.
func (e *env) waitConversation(t *testing.T, id, what string, ok func(client.Conversation) bool) {
	t.Helper()
	var c client.Conversation
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		if c = e.conversation(t, id); ok(c) {
			return
		}
	}
	t.Fatalf("timed out waiting until %s: %+v", what, c.Conversation)
}

// consoleLog collects what a tab logs: console calls, exceptions and the
// browser's own entries, such as CSP violations and failed loads.
type consoleLog struct {
	mu    sync.Mutex
	lines []chromedp.ConsoleMessage
}

func watchConsole(t *testing.T, ctx context.Context) *consoleLog {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	l := &consoleLog{}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			l.mu.Lock()
			l.lines = append(l.lines, m)
			l.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		cancel()
		l.mu.Lock()
		defer l.mu.Unlock()
		if t.Failed() && len(l.lines) > 0 {
			var b strings.Builder
			for _, m := range l.lines {
				fmt.Fprintf(&b, "  %s (%s:%d)\n", m, m.URL, m.Line)
			}
			t.Logf("the tab's console:\n%s", b.String())
		}
	})
	return l
}

// problems returns the exceptions and CSP violations logged so far.
func (l *consoleLog) problems() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for _, m := range l.lines {
		if m.IsException() || strings.Contains(m.Text, "Content Security Policy") {
			out = append(out, m.String())
		}
	}
	return out
}

// openRow opens a conversation from the inbox's list, as a click on its
// row does. The click is dispatched in the page once the row is there: the
// list may redraw between finding a node and clicking it from outside.
func openRow(t *testing.T, ctx context.Context, id string) {
	t.Helper()
	row := `document.querySelector('#convs button[data-id=` + jsString(id) + `]')`
	waitJS(t, ctx, "the list shows conversation "+id, `!!`+row, `document.getElementById('convs').innerText`)
	waitJS(t, ctx, "conversation "+id+" opens", `(`+row+` && `+row+`.click(), location.hash === '#c/' + `+jsString(id)+` && !document.getElementById('thread').hidden)`)
}
