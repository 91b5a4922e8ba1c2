package server_test

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/mail"
	"github.com/kefu/kefu/mail/smtptest"
	"github.com/kefu/kefu/notify"
)

// withMail sends the server's reply emails through an SMTP server in the
// test's process.
func withMail(t *testing.T, smtp *smtptest.Server) envOption {
	return func(o *serverOptions) {
		srv, err := mail.ParseURL(smtp.URL("kefu@shop.example"))
		if err != nil {
			t.Fatal(err)
		}
		q := mail.NewQueue(mail.NewSender(srv, 5*time.Second), 10, []time.Duration{10 * time.Millisecond}, nil)
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), time.Second)
			defer cancel()
			q.Close(ctx)
		})
		o.Replies = notify.NewReplies(o.Store, q, o.Issuer, o.PublicURL, nil)
	}
}

var linkRE = regexp.MustCompile(`(http://\S+/chat/([\w-]+)\?lang=[\w-]*)#r=(\S+)`)

// A visitor leaves a message in Chinese while nobody is online; an agent's
// answer is emailed to the address they left, and the link in the mail
// gives the visitor a session in which that conversation is theirs. A note
// and a reply to a live chat are not emailed.
func TestOfflineReplyIsEmailed(t *testing.T) {
	smtp := smtptest.Start(t, "", "")
	e := startEnv(t, withMail(t, smtp))
	ctx := ctxT(t)
	c := e.client()
	sess, err := c.NewSession(ctx, "site-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	var left struct{ Conversation chat.Conversation }
	if err := c.Do(ctx, http.MethodPost, "/api/v1/widget/site-a/offline", sess.Token, map[string]string{
		"email": "wang@example.com", "name": "王先生", "text": "我的订单还没有发货，能帮我查一下吗？", "lang": "zh-CN",
	}, &left); err != nil {
		t.Fatal(err)
	}
	conv := left.Conversation.ID

	var sent struct{ Emailed bool }
	if err := c.Do(ctx, http.MethodPost, "/api/v1/conversations/"+conv+"/messages", e.agentA, map[string]any{"text": "内部备注：查物流", "private": true}, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Emailed {
		t.Error("a private note was emailed")
	}
	if err := c.Do(ctx, http.MethodPost, "/api/v1/conversations/"+conv+"/messages", e.agentA, map[string]any{"text": "您好，订单已于今天发货，单号 SF123。"}, &sent); err != nil {
		t.Fatal(err)
	}
	if !sent.Emailed {
		t.Error("the reply says it was not emailed")
	}
	m := smtp.Wait(t, 1, 10*time.Second)[0]
	if len(m.To) != 1 || m.To[0] != "wang@example.com" || !strings.Contains(m.Header.Get("To"), "wang@example.com") {
		t.Errorf("to %v / %q", m.To, m.Header.Get("To"))
	}
	if m.Subject() != "Site site-a 回复了您的留言" {
		t.Errorf("subject %q", m.Subject())
	}
	for _, want := range []string{"您好王先生", "您好，订单已于今天发货，单号 SF123。", "> 我的订单还没有发货，能帮我查一下吗？"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the mail lacks %q:\n%s", want, m.Text)
		}
	}
	if strings.Contains(m.Text, "内部备注") {
		t.Errorf("the mail shows the private note:\n%s", m.Text)
	}
	link := linkRE.FindStringSubmatch(m.Text)
	if link == nil || !strings.HasPrefix(link[1], e.url+"/chat/site-a?lang=zh-CN") {
		t.Fatalf("no chat link in the mail:\n%s", m.Text)
	}
	token := link[3]

	// The link gives the visitor a session of their own, in which the
	// conversation and the reply are theirs.
	var resumed map[string]any
	if err := c.Do(ctx, http.MethodPost, "/api/v1/widget/site-a/session", "", map[string]string{"resume": token}, &resumed); err != nil {
		t.Fatal(err)
	}
	tok, _ := resumed["token"].(string)
	if resumed["visitor_id"] != sess.VisitorID || resumed["conversation_id"] != conv || tok == "" {
		t.Fatalf("resumed %v, want visitor %s and conversation %s", resumed, sess.VisitorID, conv)
	}
	var read struct{ Messages []chat.Message }
	if err := c.Do(ctx, http.MethodGet, "/api/v1/widget/site-a/conversations/"+conv+"/messages", tok, nil, &read); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, msg := range read.Messages {
		texts = append(texts, msg.Text)
	}
	if got := strings.Join(texts, "|"); !strings.Contains(got, "单号 SF123") || strings.Contains(got, "内部备注") {
		t.Errorf("the resumed visitor reads %q", got)
	}

	// A reply in a live chat is not mailed.
	v := e.mustVisitor(ctx, "site-a")
	if err := c.Do(ctx, http.MethodPost, "/api/v1/conversations/"+v.conv.ID+"/messages", e.agentA, map[string]any{"text": "hi"}, &sent); err != nil {
		t.Fatal(err)
	}
	if sent.Emailed {
		t.Error("a reply to a live chat was emailed")
	}
	time.Sleep(200 * time.Millisecond)
	if n := len(smtp.Mails()); n != 1 {
		t.Errorf("%d mails, want 1", n)
	}
}

// A link opens no session when it was tampered with, has expired, is
// used on another site, or names a conversation that is not the
// visitor's.
func TestResumeLinkRefused(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	v := e.mustVisitor(ctx, "site-a")
	other := e.mustVisitor(ctx, "site-a")
	good, err := e.issuer.ResumeToken("site-a", v.conv.ID, v.sess.VisitorID)
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := auth.NewIssuer([]byte("test-secret-test-secret-test-secret!"), func() time.Time {
		return time.Now().Add(-auth.ResumeLinkTTL - time.Minute)
	}).ResumeToken("site-a", v.conv.ID, v.sess.VisitorID)
	forged, _ := auth.NewIssuer([]byte("another-secret-another-secret-!!!!"), nil).ResumeToken("site-a", v.conv.ID, v.sess.VisitorID)
	notHers, _ := e.issuer.ResumeToken("site-a", other.conv.ID, v.sess.VisitorID)
	sessionToken := v.sess.Token
	tests := []struct {
		name, site, token string
		status            int
	}{
		{"tampered", "site-a", good[:len(good)-3] + "abc", 401},
		{"expired", "site-a", expired, 401},
		{"another server's key", "site-a", forged, 401},
		{"another site's key", "site-b", good, 401},
		{"a session token", "site-a", sessionToken, 401},
		{"another visitor's conversation", "site-a", notHers, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out map[string]any
			err := c.Do(ctx, http.MethodPost, "/api/v1/widget/"+tt.site+"/session", "", map[string]string{"resume": tt.token}, &out)
			wantStatus(t, err, tt.status)
		})
	}
	var out map[string]any
	if err := c.Do(ctx, http.MethodPost, "/api/v1/widget/site-a/session", "", map[string]string{"resume": good}, &out); err != nil || out["visitor_id"] != v.sess.VisitorID {
		t.Fatalf("the good link: %v, %v", out, err)
	}
}

// The inbox learns from /me whether kefu sends email.
func TestMeSaysWhetherMailIsOn(t *testing.T) {
	for _, on := range []bool{false, true} {
		var opts []envOption
		if on {
			opts = append(opts, withMail(t, smtptest.Start(t, "", "")))
		}
		e := startEnv(t, opts...)
		var me struct{ Mail bool }
		if err := e.client().Do(ctxT(t), http.MethodGet, "/api/v1/me", e.agentA, nil, &me); err != nil {
			t.Fatal(err)
		}
		if me.Mail != on {
			t.Errorf("mail = %v, want %v", me.Mail, on)
		}
	}
}
