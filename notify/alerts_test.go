package notify_test

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/mail"
	"github.com/kefu/kefu/mail/smtptest"
	"github.com/kefu/kefu/notify"
	"github.com/kefu/kefu/store/sqlite"
)

// A conversation that waited past the bound is mailed, once, to every
// enabled agent of its site through a real SMTP server; one that is
// assigned goes to its assignee alone; one that was answered, and one of
// another site's agents, are not.
func TestUnansweredAlerts(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, key := range []string{"acme", "beta"} {
		if err := st.CreateSite(ctx, &chat.Site{Key: key, Name: strings.ToUpper(key), IdentitySecret: "s"}); err != nil {
			t.Fatal(err)
		}
	}
	agent := func(email, site string, disabled bool) *chat.Agent {
		a := &chat.Agent{Email: email, Name: email[:strings.Index(email, "@")], Role: chat.RoleAgent, Sites: []string{site}, PasswordHash: "x", Disabled: disabled}
		if err := st.CreateAgent(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	agent("fang@example.com", "acme", false)
	lee := agent("lee@example.com", "acme", false)
	agent("gone@example.com", "acme", true)
	agent("other@example.com", "beta", false)

	old := time.Now().Add(-20 * time.Minute)
	conv := func(site, visitor, text string) *chat.Conversation {
		v := &chat.Visitor{Site: site, Name: visitor, CreatedAt: old, LastSeenAt: old}
		if err := st.CreateVisitor(ctx, v); err != nil {
			t.Fatal(err)
		}
		c := &chat.Conversation{Site: site, VisitorID: v.ID, CreatedAt: old, UpdatedAt: old}
		if err := st.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		m := &chat.Message{Site: site, ConversationID: c.ID, ClientID: "c1", Author: chat.Author{Type: chat.AuthorVisitor, ID: v.ID}, Text: text, CreatedAt: old}
		if _, err := st.AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		return c
	}
	waiting := conv("acme", "王芳", "我的充值还没到账")
	mine := conv("acme", "Ann", "where is my parcel?")
	if err := st.SetAssignee(ctx, "acme", mine.ID, lee.ID, old); err != nil {
		t.Fatal(err)
	}
	answered := conv("acme", "Bob", "hello")
	reply := &chat.Message{Site: "acme", ConversationID: answered.ID, ClientID: "r1", Author: chat.Author{Type: chat.AuthorAgent, ID: lee.ID}, Text: "hi", CreatedAt: old}
	if _, err := st.AppendMessage(ctx, reply); err != nil {
		t.Fatal(err)
	}

	srv, q := startMail(t)
	alerts := notify.NewAlerts(st, q, 15*time.Minute, "https://help.example.com", nil)
	if n, err := alerts.Pass(ctx); err != nil || n != 2 {
		t.Fatalf("first pass: %d conversations, %v; want 2", n, err)
	}
	if n, err := alerts.Pass(ctx); err != nil || n != 0 {
		t.Fatalf("second pass: %d conversations, %v; want 0", n, err)
	}
	closeMail(q)

	got := map[string][]smtptest.Mail{}
	for _, m := range srv.Mails() {
		for _, to := range m.To {
			got[to] = append(got[to], m)
		}
	}
	if len(got["fang@example.com"]) != 1 || len(got["lee@example.com"]) != 2 || len(got["gone@example.com"]) != 0 || len(got["other@example.com"]) != 0 {
		t.Fatalf("mails by recipient: fang %d, lee %d, gone %d, other %d; want 1, 2, 0, 0",
			len(got["fang@example.com"]), len(got["lee@example.com"]), len(got["gone@example.com"]), len(got["other@example.com"]))
	}
	m := got["fang@example.com"][0]
	for _, want := range []string{"王芳", "我的充值还没到账", "15 分钟", "https://help.example.com/inbox?site=acme#c/" + waiting.ID} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("the alert lacks %q:\n%s", want, m.Text)
		}
	}
	if s := m.Subject(); !strings.Contains(s, "ACME") || !strings.Contains(s, "15") {
		t.Errorf("subject %q", s)
	}
}

// Turning alerts on, or starting again after a long stop, does not mail
// the backlog: an open conversation that became due more than
// notify.AlertWindow ago is never alerted, and does not hold back one
// that is due now (claims go oldest first).
func TestUnansweredAlertsSkipBacklog(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateSite(ctx, &chat.Site{Key: "acme", IdentitySecret: "s"}); err != nil {
		t.Fatal(err)
	}
	if err := st.CreateAgent(ctx, &chat.Agent{Email: "fang@example.com", Name: "fang", Role: chat.RoleAgent, Sites: []string{"acme"}, PasswordHash: "x"}); err != nil {
		t.Fatal(err)
	}
	conv := func(at time.Time) *chat.Conversation {
		c := &chat.Conversation{Site: "acme", VisitorID: chat.NewID(), CreatedAt: at, UpdatedAt: at}
		if err := st.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		return c
	}
	for i := range 3 {
		conv(time.Now().Add(-72*time.Hour - time.Duration(i)*time.Minute))
	}
	due := conv(time.Now().Add(-20 * time.Minute))

	srv, q := startMail(t)
	alerts := notify.NewAlerts(st, q, 15*time.Minute, "https://help.example.com", nil)
	if n, err := alerts.Pass(ctx); err != nil || n != 1 {
		t.Fatalf("pass: %d conversations, %v; want 1 (the one due now, not the backlog of 3)", n, err)
	}
	closeMail(q)
	if ms := srv.Mails(); len(ms) != 1 || !strings.Contains(ms[0].Text, due.ID) {
		t.Fatalf("%d mails, want 1 about %s", len(ms), due.ID)
	}
}

// startMail starts an SMTP server and a mail queue that sends to it.
func startMail(t *testing.T) (*smtptest.Server, *mail.Queue) {
	t.Helper()
	srv := smtptest.Start(t, "", "")
	addr, err := mail.ParseURL("smtp://" + srv.Addr + "?from=kefu@example.com")
	if err != nil {
		t.Fatal(err)
	}
	return srv, mail.NewQueue(mail.NewSender(addr, 5*time.Second), 10, nil, nil)
}

// closeMail sends what q holds.
func closeMail(q *mail.Queue) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	q.Close(ctx)
}

// refusing is an outbox that refuses its first message and keeps the
// rest.
type refusing struct{ got []string }

func (r *refusing) Enqueue(m mail.Message) error {
	if r.got == nil {
		r.got = []string{}
		return mail.ErrQueueFull
	}
	r.got = append(r.got, m.To.Address)
	return nil
}

// An alert goes to at most 50 agents of the site, and one refused mail
// does not keep the others from theirs.
func TestUnansweredAlertReachesTheOthers(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := st.CreateSite(ctx, &chat.Site{Key: "acme", Name: "Acme", IdentitySecret: "s"}); err != nil {
		t.Fatal(err)
	}
	for i := range 60 {
		a := &chat.Agent{Email: fmt.Sprintf("a%02d@example.com", i), Name: fmt.Sprint("a", i), Role: chat.RoleAgent, Sites: []string{"acme"}, PasswordHash: "x"}
		if err := st.CreateAgent(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-20 * time.Minute)
	if err := st.CreateConversation(ctx, &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: old, UpdatedAt: old}); err != nil {
		t.Fatal(err)
	}
	out := &refusing{}
	n, err := notify.NewAlerts(st, out, 15*time.Minute, "https://help.example.com", nil).Pass(ctx)
	if err != nil || n != 1 {
		t.Fatalf("pass: %d conversations, %v; want 1", n, err)
	}
	if len(out.got) != 49 {
		t.Errorf("%d agents got the alert after one refusal; want 49 of the 50 it goes to", len(out.got))
	}
}
