// Package notify is the email kefu sends on its own: an agent's reply to a
// visitor who left an offline message, with a link that reopens the
// conversation in the chat, and alerts to a site's agents about visitors
// left waiting. It decides what is mailed and writes it; package mail
// sends it.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	stdmail "net/mail"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/mail"
)

// Outbox takes a message to send later; *mail.Queue is one.
type Outbox interface {
	Enqueue(m mail.Message) error
}

// Links signs the token of a link that gives a conversation's visitor a
// session again; *auth.Issuer is one.
type Links interface {
	ResumeToken(site, conversationID, visitorID string) (string, error)
}

// ReplyStore is what writing a reply email reads.
type ReplyStore interface {
	Site(ctx context.Context, key string) (*chat.Site, error)
	Visitor(ctx context.Context, site, id string) (*chat.Visitor, error)
	Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]chat.Message, error)
}

// maxWriting bounds the reply emails being written at once; past it a
// reply is not mailed, and that is logged.
const maxWriting = 32

// Replies emails agents' replies to offline messages to the visitor.
type Replies struct {
	store     ReplyStore
	out       Outbox
	links     Links
	publicURL string
	log       *slog.Logger
	slots     chan struct{}
	writing   sync.WaitGroup
}

// NewReplies returns a Replies that links to the chat pages under
// publicURL.
func NewReplies(store ReplyStore, out Outbox, links Links, publicURL string, log *slog.Logger) *Replies {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Replies{store: store, out: out, links: links, publicURL: strings.TrimSuffix(publicURL, "/"), log: log, slots: make(chan struct{}, maxWriting)}
}

// ShouldMail reports whether an agent's message m, just stored in c (as
// read before the send), is mailed to the visitor: a reply, not a private
// note, to a message left with an email while nobody was online, unless
// the visitor is in the chat right now (connected, and has read all
// before it).
func ShouldMail(c *chat.Conversation, m *chat.Message, visitorConnected bool) bool {
	if c == nil || m == nil || m.Author.Type != chat.AuthorAgent || m.Private {
		return false
	}
	if c.Kind != chat.KindOffline || c.Email == "" {
		return false
	}
	return !(visitorConnected && c.VisitorReadSeq >= m.Seq-1)
}

// Replied mails m to c's visitor when ShouldMail says so, and reports
// whether it will. The email is written and queued in the background:
// the agent's reply is acknowledged without waiting for either.
func (r *Replies) Replied(c *chat.Conversation, m *chat.Message, visitorConnected bool) bool {
	if !ShouldMail(c, m, visitorConnected) {
		return false
	}
	select {
	case r.slots <- struct{}{}:
	default:
		r.log.Warn("too many reply emails being written; this one is not sent", "site", c.Site, "conversation", c.ID)
		return false
	}
	conv, msg := *c, *m
	r.writing.Add(1)
	go func() {
		defer r.writing.Done()
		defer func() { <-r.slots }()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.send(ctx, &conv, &msg); err != nil {
			r.log.Error("reply email not sent", "site", conv.Site, "conversation", conv.ID, "err", err)
		}
	}()
	return true
}

// Wait returns once the reply emails being written are queued.
func (r *Replies) Wait() { r.writing.Wait() }

func (r *Replies) send(ctx context.Context, c *chat.Conversation, m *chat.Message) error {
	msg, err := r.Write(ctx, c, m)
	if err != nil {
		return err
	}
	return r.out.Enqueue(msg)
}

// Write is the email of an agent's reply m to the visitor of c: the
// reply, the visitor's own message quoted, and the link that reopens the
// conversation in the chat, in the conversation's language (Chinese or
// English).
func (r *Replies) Write(ctx context.Context, c *chat.Conversation, m *chat.Message) (mail.Message, error) {
	site, err := r.store.Site(ctx, c.Site)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: read site: %w", err)
	}
	v, err := r.store.Visitor(ctx, c.Site, c.VisitorID)
	if err != nil {
		return mail.Message{}, fmt.Errorf("notify: read visitor: %w", err)
	}
	var asked string
	if first, err := r.store.Messages(ctx, c.Site, c.ID, 0, 1); err != nil {
		return mail.Message{}, fmt.Errorf("notify: read the visitor's message: %w", err)
	} else if len(first) == 1 && first[0].Author.Type == chat.AuthorVisitor {
		asked = first[0].Text
	}
	link := ""
	if !v.Verified {
		tok, err := r.links.ResumeToken(c.Site, c.ID, c.VisitorID)
		if err != nil {
			return mail.Message{}, fmt.Errorf("notify: sign link: %w", err)
		}
		link = r.publicURL + "/chat/" + url.PathEscape(c.Site) + "?lang=" + url.QueryEscape(c.Lang) + "#r=" + tok
	} else if u, err := url.Parse(c.PageURL); err == nil && (u.Scheme == "https" || u.Scheme == "http") {
		// A verified visitor is the site's logged-in user, who continues
		// on the site.
		link = c.PageURL
	}
	w := wordsFor(c.Lang)
	name := site.Name
	if name == "" {
		name = site.Key
	}
	agent := m.Author.Name
	if agent == "" {
		agent = w.agent
	}
	text := m.Text
	if text == "" {
		text = w.files
	}
	var b strings.Builder
	b.WriteString(strings.Replace(fmt.Sprintf(w.hello, v.Name), " ,", ",", 1) + "\n\n")
	fmt.Fprintf(&b, w.replied+"\n\n", agent, name)
	b.WriteString(text + "\n\n")
	if asked != "" {
		b.WriteString(w.yours + "\n")
		for _, line := range strings.Split(asked, "\n") {
			b.WriteString("> " + line + "\n")
		}
		b.WriteString("\n")
	}
	if link != "" {
		fmt.Fprintf(&b, w.continueAt+"\n%s\n\n", link)
		if !v.Verified {
			b.WriteString(w.valid + "\n")
		}
	}
	b.WriteString(w.noReply + "\n")
	return mail.Message{
		To:      stdmail.Address{Name: v.Name, Address: c.Email},
		Subject: fmt.Sprintf(w.subject, name),
		Text:    b.String(),
	}, nil
}

// words are a reply email's sentences in one language.
type words struct {
	subject, hello, replied, agent, files, yours, continueAt, valid, noReply string
}

var (
	zhWords = words{
		subject:    "%s 回复了您的留言",
		hello:      "您好%s：",
		replied:    "%s（%s）回复了您的留言：",
		agent:      "客服",
		files:      "（客服发送了文件，请在对话中查看。）",
		yours:      "您的留言：",
		continueAt: "点击链接继续对话：",
		valid:      "链接 7 天内有效。",
		noReply:    "请不要直接回复本邮件，回复不会送达客服。",
	}
	enWords = words{
		subject:    "%s replied to your message",
		hello:      "Hello %s,",
		replied:    "%s (%s) replied to your message:",
		agent:      "Support",
		files:      "(Files were sent; open the conversation to see them.)",
		yours:      "Your message:",
		continueAt: "Continue the conversation:",
		valid:      "The link works for 7 days.",
		noReply:    "Please do not reply to this email; replies do not reach the team.",
	}
)

func wordsFor(lang string) words {
	if strings.HasPrefix(strings.ToLower(lang), "zh") {
		return zhWords
	}
	return enWords
}
