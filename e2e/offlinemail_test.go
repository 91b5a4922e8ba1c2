package e2e

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kefu/kefu/app"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/mail/smtptest"
)

// startMailingKefu runs a second kefu, in-process on its own port and data
// dir, that sends its email through smtp: the shared one sends none.
func startMailingKefu(t *testing.T, smtp *smtptest.Server) *app.Main {
	t.Helper()
	cfg, err := config.Load([]string{
		"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-log-level", "warn",
		"-admin-email", adminEmail, "-admin-password", adminPassword,
		"-smtp-url", smtp.URL("kefu@shop.example"),
	}, func(string) string { return "" }, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	log := &syncBuffer{}
	m := app.New(cfg, log)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := m.Run(ctx); err != nil {
		t.Fatalf("start kefu with mail: %v\n%s", err, log)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = m.Close(ctx)
		if t.Failed() {
			t.Logf("the mailing kefu's log:\n%s", log)
		}
	})
	return m
}

// leaveOfflineMessage leaves a message on kefu's demo site as a new
// visitor, as the widget's form does, and returns its conversation.
func leaveOfflineMessage(t *testing.T, kefuURL, email, text string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := client.New(kefuURL)
	sess, err := c.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ Conversation chat.Conversation }
	if err := c.Do(ctx, http.MethodPost, "/api/v1/widget/demo/offline", sess.Token, map[string]string{
		"email": email, "name": "王女士", "text": text, "lang": "zh-CN",
	}, &out); err != nil {
		t.Fatal(err)
	}
	return out.Conversation.ID
}

// An offline message answered in the inbox reaches the visitor by email,
// through a real SMTP server; the link in the mail opens that conversation
// in the chat page, in a browser that has never seen kefu, where the
// visitor reads the answer and carries on.
func TestOfflineMessageAnsweredByEmail(t *testing.T) {
	e := setup(t)
	smtp := smtptest.Start(t, "", "")
	k := startMailingKefu(t, smtp)
	question := "请问退款什么时候到账？订单号 A1024。"
	conv := leaveOfflineMessage(t, k.URL(), "wang@example.com", question)

	// The owner logs into this kefu's inbox and answers.
	owner, closeOwner := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(closeOwner)
	deadline, cancel := context.WithTimeout(owner, testTimeout)
	t.Cleanup(cancel)
	in := e.openTab(t, deadline)
	do(t, in.ctx, "log into the inbox",
		chromedp.Navigate(k.URL()+"/inbox#c/"+conv),
		chromedp.WaitVisible(chromedp.CSS(`#login-form input[name=email]`)),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=email]`), adminEmail),
		chromedp.SendKeys(chromedp.CSS(`#login-form input[name=password]`), adminPassword+"\n"),
	)
	waitJS(t, in.ctx, "the inbox shows, with a live socket",
		`!document.getElementById('app').hidden && document.body.dataset.conn === 'online'`, `document.body.innerText`)
	if !eval[bool](t, in.ctx, `location.hash === '#c/`+conv+`'`) {
		do(t, in.ctx, "open the conversation", chromedp.Navigate(k.URL()+"/inbox#c/"+conv), chromedp.Reload())
	}
	in.waitInboxMessage("visitor", question, "sent")
	waitJS(t, in.ctx, "the composer says replies are emailed",
		`!document.getElementById('composer').hidden && (document.getElementById('mailto-emailed') || {}).textContent.includes('wang@example.com')`,
		`document.getElementById('mailto').innerText`)
	answer := "您好，退款已于今天原路退回，预计 1–3 个工作日到账。"
	do(t, in.ctx, "type the answer and press Enter", chromedp.SendKeys(chromedp.CSS(`#reply`), answer+"\n"))
	in.waitInboxMessage("agent", answer, "sent")

	// The mail.
	m := smtp.Wait(t, 1, 15*time.Second)[0]
	if len(m.To) != 1 || m.To[0] != "wang@example.com" || m.From != "kefu@shop.example" {
		t.Errorf("mail from %q to %v", m.From, m.To)
	}
	if !strings.HasSuffix(m.Subject(), "回复了您的留言") {
		t.Errorf("subject %q", m.Subject())
	}
	for _, want := range []string{answer, "> " + question} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, m.Text)
		}
	}
	link := regexp.MustCompile(regexp.QuoteMeta(k.URL()) + `/chat/demo\?lang=zh-CN#r=\S+`).FindString(m.Text)
	if link == "" {
		t.Fatalf("no link to the chat page in the mail:\n%s", m.Text)
	}

	// The visitor opens it in a browser of their own.
	visitor, closeVisitor := chromedp.NewContext(e.browser, chromedp.WithNewBrowserContext())
	t.Cleanup(closeVisitor)
	chatTab := e.openTab(t, visitor)
	do(t, chatTab.ctx, "open the mail's link", chromedp.Navigate(link))
	waitJS(t, chatTab.ctx, "the chat page shows the visitor's message and the answer",
		fmt.Sprintf(`(%s).some((x) => x.who === 'agent' && x.text === %s) && (%s).some((x) => x.who === 'visitor' && x.text === %s)`,
			panelMessagesJS, jsString(answer), panelMessagesJS, jsString(question)),
		panelMessagesJS)
	if h := eval[string](t, chatTab.ctx, `location.hash`); h != "" {
		t.Errorf("the link's token stays in the address bar: %q", h)
	}
	// And carries on in the chat, where the agent reads it.
	thanks := "收到，谢谢！"
	do(t, chatTab.ctx, "reply in the chat", chromedp.SendKeys(chromedp.CSS("form.cp textarea"), thanks+"\n"))
	in.waitInboxMessage("visitor", thanks, "sent")
}

// Without SMTP, the inbox does not offer a composer whose reply would
// reach no one: an offline message gets a mailto: link to the visitor's
// address, with their message quoted.
func TestOfflineMessageMailtoWithoutSMTP(t *testing.T) {
	e := setup(t)
	question := "你们周末发货吗？"
	conv := leaveOfflineMessage(t, e.kefuURL, "li@example.com", question)
	in := e.ownerTab(t, "/inbox#c/"+conv)
	in.waitInboxMessage("visitor", question, "sent")
	waitJS(t, in.ctx, "the composer gives way to a mailto: link",
		`document.getElementById('composer').hidden && (document.getElementById('mailto-link') || {}).href`,
		`document.getElementById('mailto') && document.getElementById('mailto').innerText`)
	href := eval[string](t, in.ctx, `document.getElementById('mailto-link').href`)
	u, err := url.Parse(href)
	if err != nil || u.Scheme != "mailto" || u.Opaque != "li@example.com" {
		t.Fatalf("link %q", href)
	}
	if s := u.Query().Get("subject"); s != "回复：您的留言" {
		t.Errorf("subject %q", s)
	}
	if b := u.Query().Get("body"); !strings.Contains(b, "> "+question) {
		t.Errorf("body %q lacks the quoted message", b)
	}
	if text := eval[string](t, in.ctx, `document.getElementById('mailto-link').textContent`); !strings.Contains(text, "li@example.com") {
		t.Errorf("the link says %q", text)
	}

	// An address is one address, whatever it holds: ? and & in it
	// (valid in a local part) add no copy to someone else.
	odd := "zhao?cc=boss%40corp.example&x=@example.com"
	conv = leaveOfflineMessage(t, e.kefuURL, odd, question)
	do(t, in.ctx, "open its conversation", chromedp.Navigate(e.kefuURL+"/inbox#c/"+conv), chromedp.Reload())
	waitJS(t, in.ctx, "the mailto: link of the odd address",
		`(document.getElementById('mailto-link') || {}).textContent.includes('zhao?cc')`,
		`document.getElementById('mailto') && document.getElementById('mailto').innerText`)
	u, err = url.Parse(eval[string](t, in.ctx, `document.getElementById('mailto-link').href`))
	if err != nil {
		t.Fatal(err)
	}
	to, _ := url.PathUnescape(u.Opaque)
	if to != odd || u.Query().Has("cc") {
		t.Errorf("mailto: to %q, cc %q; want to %q alone", to, u.Query().Get("cc"), odd)
	}
}
