package notify

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	stdmail "net/mail"
	"net/url"
	"strings"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/mail"
)

// AlertStore is what the unanswered alerts read and mark.
type AlertStore interface {
	chat.AlertStore
	Site(ctx context.Context, key string) (*chat.Site, error)
	Agent(ctx context.Context, id string) (*chat.Agent, error)
	ListAgents(ctx context.Context, site string, after *chat.Agent, limit int) ([]chat.Agent, error)
	Visitor(ctx context.Context, site, id string) (*chat.Visitor, error)
}

// alertBatch bounds the conversations one pass claims; the next pass, a
// minute later, takes the rest.
const alertBatch = 100

// AlertWindow is how long after it became due a conversation may still be
// alerted. One that waited longer (a backlog when alerts are turned on, or
// after kefu was stopped a long time) is not: it would flood the agents
// and the mail queue, which reply emails share, with stale alerts.
const AlertWindow = 24 * time.Hour

// maxAlertAgents bounds the agents of a site that one alert is sent to.
const maxAlertAgents = 50

// Alerts emails a site's agents about conversations left waiting for a
// first answer: the assignee, or every enabled agent of the site when
// nobody has it. Each conversation is alerted once, on one node.
type Alerts struct {
	store     AlertStore
	out       Outbox
	after     time.Duration
	publicURL string
	log       *slog.Logger
	now       func() time.Time
}

// NewAlerts returns Alerts for conversations that waited longer than
// after, linking to the inbox under publicURL.
func NewAlerts(store AlertStore, out Outbox, after time.Duration, publicURL string, log *slog.Logger) *Alerts {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Alerts{store: store, out: out, after: after, publicURL: strings.TrimSuffix(publicURL, "/"), log: log, now: time.Now}
}

// Run makes a pass every minute until ctx ends.
func (a *Alerts) Run(ctx context.Context) {
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		if n, err := a.Pass(ctx); err != nil {
			a.log.Warn("unanswered alerts", "err", err)
		} else if n > 0 {
			a.log.Info("unanswered alerts queued", "conversations", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Pass claims the conversations that have waited too long and queues an
// email per agent to tell. It returns how many conversations it claimed.
func (a *Alerts) Pass(ctx context.Context) (int, error) {
	now := a.now()
	convs, err := a.store.ClaimUnanswered(ctx, now.Add(-a.after-AlertWindow), now.Add(-a.after), now, alertBatch)
	if err != nil {
		return 0, fmt.Errorf("notify: claim unanswered conversations: %w", err)
	}
	for i := range convs {
		if err := a.alert(ctx, &convs[i]); err != nil {
			a.log.Warn("unanswered alert not sent", "conversation", convs[i].ID, "err", err)
		}
	}
	return len(convs), nil
}

// alert queues the email about c to each agent who should know.
func (a *Alerts) alert(ctx context.Context, c *chat.Conversation) error {
	site, err := a.store.Site(ctx, c.Site)
	if err != nil {
		return err
	}
	to, err := a.agents(ctx, c)
	if err != nil {
		return err
	}
	who := c.Email
	if v, err := a.store.Visitor(ctx, c.Site, c.VisitorID); err == nil && v.Name != "" {
		who = v.Name
	}
	name := site.Name
	if name == "" {
		name = site.Key
	}
	minutes := int(a.after / time.Minute)
	link := a.publicURL + "/inbox?site=" + url.QueryEscape(c.Site) + "#c/" + url.PathEscape(c.ID)
	var said string
	if c.Last != nil && c.Last.Author.Type == chat.AuthorVisitor {
		said = c.Last.Text
	}
	var b strings.Builder
	for _, w := range []alertWords{zhAlert, enAlert} {
		visitor := who
		if visitor == "" {
			visitor = w.visitor
		}
		fmt.Fprintf(&b, w.waited+"\n", visitor, name, minutes)
		for _, line := range strings.Split(said, "\n") {
			if said != "" {
				b.WriteString("> " + line + "\n")
			}
		}
		fmt.Fprintf(&b, w.open+"\n\n", link)
	}
	// One agent's mail that is refused (a bad address, a full queue) does
	// not keep the others from theirs: the conversation is claimed once.
	var errs []error
	for _, ag := range to {
		err := a.out.Enqueue(mail.Message{
			To:      stdmail.Address{Name: ag.Name, Address: ag.Email},
			Subject: fmt.Sprintf(zhAlert.subject+" / "+enAlert.subject, name, minutes, minutes),
			Text:    b.String(),
		})
		if err != nil {
			errs = append(errs, fmt.Errorf("alert to %s: %w", ag.Email, err))
		}
	}
	return errors.Join(errs...)
}

// agents are who an alert about c goes to: its assignee, or, when nobody
// has it (or the assignee is disabled), the site's enabled agents.
func (a *Alerts) agents(ctx context.Context, c *chat.Conversation) ([]chat.Agent, error) {
	if c.AssigneeID != "" {
		ag, err := a.store.Agent(ctx, c.AssigneeID)
		if err == nil && !ag.Disabled {
			return []chat.Agent{*ag}, nil
		}
		if err != nil && !chat.IsCode(err, chat.CodeNotFound) {
			return nil, err
		}
	}
	all, err := a.store.ListAgents(ctx, c.Site, nil, maxAlertAgents)
	if err != nil {
		return nil, err
	}
	var out []chat.Agent
	for _, ag := range all {
		if !ag.Disabled && ag.Email != "" {
			out = append(out, ag)
		}
	}
	return out, nil
}

// alertWords are an alert's sentences in one language; the email holds
// Chinese, then English, as kefu does not know an agent's language.
type alertWords struct {
	subject, waited, open, visitor string
}

var (
	zhAlert = alertWords{
		subject: "%[1]s：访客已等待 %[2]d 分钟",
		waited:  "%s 在 %s 等待首次回复已超过 %d 分钟：",
		open:    "打开会话：%s",
		visitor: "一位访客",
	}
	enAlert = alertWords{
		subject: "a visitor has waited %[3]d minutes",
		waited:  "%s has waited more than %[3]d minutes for a first answer on %[2]s:",
		open:    "Open the conversation: %s",
		visitor: "A visitor",
	}
)
