package server

import (
	"context"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/live"
)

// frameTimeout bounds the work one frame may cause, such as a store write.
const frameTimeout = 10 * time.Second

// actor is who acts through c on site (an agent's chosen site; ignored for
// visitors).
func (c *conn) actor(site string) chat.Actor {
	if c.role == roleAgent {
		return chat.Actor{Site: site, Agent: c.agent, Conn: c.id}
	}
	return chat.Actor{Site: c.actorSite, VisitorID: c.visitorID, Conn: c.id}
}

// allowFrame applies the per-visitor and per-IP rate limits, and the
// per-site budget if one is set.
func (s *Server) allowFrame(c *conn) bool {
	now := s.opts.Now()
	who := "v/" + c.actorSite + "/" + c.visitorID
	if c.role == roleAgent {
		who = "a/" + c.agent.ID
	}
	ok := s.limits.visitor.allow(who, now) && s.limits.ip.allow(c.ip, now)
	if s.limits.site != nil {
		for _, site := range c.sites {
			ok = ok && s.limits.site.allow(site, now)
		}
	}
	return ok
}

// handleFrame decodes and answers one frame. A bad frame gets an error
// frame and the socket carries on.
func (s *Server) handleFrame(c *conn, data []byte) {
	f, err := decodeFrame(data)
	if err != nil {
		c.enqueue(errorFrame(err, f.ID, ""))
		return
	}
	if !s.allowFrame(c) {
		c.refused++
		if c.refused >= s.opts.Limits.RefusedToClose {
			c.close(closeRateLimited, "rate limit; reconnect later")
			return
		}
		c.enqueue(errorFrame(chat.Errorf(chat.CodeRateLimited, "too many frames; slow down"), f.ID, f.ClientID))
		return
	}
	c.refused = 0
	ctx, cancel := context.WithTimeout(context.Background(), frameTimeout)
	defer cancel()
	switch f.Type {
	case "ping":
		c.enqueue(encode(outFrame{Type: "pong"}))
	case "auth":
		c.enqueue(errorFrame(chat.Invalid("already authenticated"), f.ID, ""))
	case "page":
		if c.role != roleVisitor {
			c.enqueue(errorFrame(chat.Invalid("page frames are for visitors"), f.ID, ""))
			return
		}
		s.hub.live.Visit(c.actorSite, c.visitorID, live.Visit{URL: f.URL, Title: f.Title, Referrer: f.Referrer, Lang: f.Lang, TimeZone: f.TimeZone, Offset: f.Offset})
	case "presence":
		if c.role != roleAgent {
			c.enqueue(errorFrame(chat.Invalid("only agents have a presence"), f.ID, ""))
			return
		}
		s.hub.setPresence(c, f.Status)
	default:
		err = s.withConversation(ctx, c, f, func(a chat.Actor) error { return s.dispatch(ctx, c, a, f) })
		if err != nil {
			c.enqueue(errorFrame(err, f.ID, f.ClientID))
		}
	}
}

// withConversation runs fn as the actor that can see f's conversation. An
// agent of several sites may name the site; otherwise each of their sites
// is tried, and the conversation is not found if it is in none.
func (s *Server) withConversation(ctx context.Context, c *conn, f inFrame, fn func(chat.Actor) error) error {
	if c.role != roleAgent {
		return fn(c.actor(""))
	}
	if f.Site != "" {
		return fn(c.actor(f.Site))
	}
	if len(c.sites) == 1 {
		return fn(c.actor(c.sites[0]))
	}
	for _, site := range c.sites {
		if _, err := s.opts.Service.Conversation(ctx, c.actor(site), f.ConversationID); err == nil {
			return fn(c.actor(site))
		}
	}
	return chat.NotFound("conversation")
}

func (s *Server) dispatch(ctx context.Context, c *conn, a chat.Actor, f inFrame) error {
	switch f.Type {
	case "send":
		start := time.Now()
		sent, err := s.opts.Service.Send(ctx, a, chat.SendInput{
			ConversationID: f.ConversationID, ClientID: f.ClientID, Text: f.Text, Private: f.Private && c.role == roleAgent, Attachments: f.Attachments,
		})
		if err != nil {
			return err
		}
		m, dup := sent.Message, sent.Duplicate
		if !dup {
			s.metrics.messages.WithLabelValues(string(m.Author.Type)).Inc()
			s.metrics.sendLatency.Observe(time.Since(start).Seconds())
		}
		c.enqueue(encode(outFrame{Type: "ack", ClientID: f.ClientID, Message: s.viewMessage(m), Duplicate: dup}))
		if c.role == roleAgent {
			s.mailReply(sent)
		}
		if !dup && c.role == roleVisitor {
			s.suggestWhileWaiting(ctx, c, sent.Conversation, m)
		}
	case "typing":
		return s.opts.Service.Typing(ctx, a, f.ConversationID, f.Typing)
	case "read":
		return s.opts.Service.MarkRead(ctx, a, f.ConversationID, f.Seq)
	case "viewing":
		return s.opts.Service.Viewing(ctx, a, f.ConversationID, f.Viewing)
	case "resume":
		r, err := s.opts.Service.Resume(ctx, a, f.ConversationID, f.LastSeq)
		if err != nil {
			return err
		}
		c.enqueue(encode(outFrame{Type: "history", ConversationID: r.ConversationID, State: r.State,
			Messages: ptr(s.viewMessages(r.Messages)), LastSeq: ptr(r.LastSeq)}))
	}
	return nil
}

// suggestionsWhileWaiting is how many FAQ entries a waiting visitor is
// offered after each message.
const suggestionsWhileWaiting = 3

// suggestWhileWaiting offers FAQ answers to a visitor's message while no
// agent has answered conv, as Send read it. It is best effort: a failure
// only means no suggestions.
func (s *Server) suggestWhileWaiting(ctx context.Context, c *conn, conv *chat.Conversation, m *chat.Message) {
	if s.opts.FAQ == nil || conv.Answered() {
		return
	}
	s.metrics.faqSearches.WithLabelValues("message").Inc()
	results, err := s.suggest(ctx, conv.Site, conv.Lang, m.Text, suggestionsWhileWaiting)
	if err != nil || len(results) == 0 {
		return
	}
	c.enqueue(encode(outFrame{Type: "suggestions", ConversationID: conv.ID, ClientID: m.ClientID, Results: &results}))
}
