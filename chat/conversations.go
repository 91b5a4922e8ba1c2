package chat

import (
	"context"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// StartInput describes a conversation a visitor starts.
type StartInput struct {
	Topic     string
	Lang      string
	PageURL   string
	Referrer  string
	UserAgent string
}

func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// Start returns the visitor's conversation that is not resolved, or starts
// one. Concurrent calls for one visitor, on any node, give one
// conversation: the store refuses a second unresolved one.
func (s *Service) Start(ctx context.Context, a Actor, in StartInput) (*Conversation, bool, error) {
	return s.start(ctx, a, in, KindChat, "")
}

// start is Start for a conversation of kind, with the email the visitor
// left for an offline message. Both are stored with the conversation.
func (s *Service) start(ctx context.Context, a Actor, in StartInput, kind Kind, email string) (*Conversation, bool, error) {
	if a.Agent != nil || !ValidKey(a.VisitorID) || !ValidKey(a.Site) {
		return nil, false, Errorf(CodeForbidden, "only visitors start conversations")
	}
	if c, err := s.store.ActiveConversation(ctx, a.Site, a.VisitorID); err == nil {
		return c, false, nil
	} else if !IsCode(err, CodeNotFound) {
		return nil, false, err
	}
	now := s.now().UTC()
	c := &Conversation{
		ID:        NewID(),
		Site:      a.Site,
		VisitorID: a.VisitorID,
		Kind:      kind,
		Status:    StatusOpen,
		Topic:     clip(in.Topic, 64),
		Lang:      clip(in.Lang, 16),
		PageURL:   clip(in.PageURL, 1024),
		Referrer:  clip(in.Referrer, 1024),
		UserAgent: clip(in.UserAgent, 512),
		Email:     email,
		CreatedAt: now,
		UpdatedAt: now,
	}
	if err := s.store.CreateConversation(ctx, c); err != nil {
		if IsCode(err, CodeConflict) {
			c, err := s.store.ActiveConversation(ctx, a.Site, a.VisitorID)
			return c, false, err
		}
		return nil, false, err
	}
	s.publish(ctx, Event{Type: EventConversation, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Conversation: c, Origin: a.Conn})
	return c, true, nil
}

// OfflineInput is a message left while nobody is online.
type OfflineInput struct {
	Email   string
	Name    string
	Text    string
	Lang    string
	PageURL string
}

// ValidateEmail checks an email address and returns it trimmed.
func ValidateEmail(email string) (string, error) {
	email = strings.TrimSpace(email)
	if len(email) > 254 {
		return "", Invalid("email is too long")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email {
		return "", Invalid("email is not a valid address")
	}
	return email, nil
}

// LeaveMessage stores a message left while nobody was online, as a
// conversation the inbox shows. If the visitor already has a conversation
// that is not resolved, the message joins it.
func (s *Service) LeaveMessage(ctx context.Context, a Actor, in OfflineInput) (*Conversation, error) {
	email, err := ValidateEmail(in.Email)
	if err != nil {
		return nil, err
	}
	text, err := ValidateText(in.Text)
	if err != nil {
		return nil, err
	}
	if v, err := s.store.Visitor(ctx, a.Site, a.VisitorID); err == nil && (v.Email == "" || !v.Verified) {
		v.Email = email
		if name := clip(in.Name, 100); name != "" {
			v.Name = name
		}
		if err := s.store.UpdateVisitor(ctx, v); err != nil {
			return nil, err
		}
	}
	c, _, err := s.start(ctx, a, StartInput{Lang: in.Lang, PageURL: in.PageURL}, KindOffline, email)
	if err != nil {
		return nil, err
	}
	_, err = s.Send(ctx, a, SendInput{ConversationID: c.ID, Text: text})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// SetStatus changes a conversation's status. Agents may set any status;
// visitors may only resolve their own conversation.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, status Status) (*Conversation, error) {
	if !status.Valid() {
		return nil, Invalid("status must be open, pending or resolved")
	}
	if a.Agent == nil && status != StatusResolved {
		return nil, Errorf(CodeForbidden, "visitors may only end a conversation")
	}
	changed, now := false, s.now().UTC()
	c, err := s.update(ctx, a, id, func(c *Conversation) error {
		if c.Status == status {
			return nil
		}
		changed = true
		return s.store.SetStatus(ctx, c.Site, c.ID, status, now)
	}, func(c *Conversation) {
		if changed {
			c.Status, c.UpdatedAt = status, now
		}
	})
	if err != nil || !changed {
		return c, err
	}
	s.recordActivity(ctx, a, c, Activity{Kind: ActivityStatus, Status: status}, now)
	s.publish(ctx, Event{Type: EventStatus, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Status: status, Origin: a.Conn})
	return c, nil
}

// Assign gives a conversation to an agent of its site, or to nobody.
func (s *Service) Assign(ctx context.Context, a Actor, id, agentID string) (*Conversation, error) {
	if a.Agent == nil {
		return nil, Errorf(CodeForbidden, "only agents assign conversations")
	}
	var to *Author
	if agentID != "" {
		if !ValidKey(agentID) {
			return nil, NotFound("agent")
		}
		other, err := s.store.Agent(ctx, agentID)
		if err != nil || !other.CanAccess(a.Site) {
			return nil, NotFound("agent")
		}
		to = &Author{Type: AuthorAgent, ID: other.ID, Name: other.Name}
	}
	changed, now := false, s.now().UTC()
	c, err := s.update(ctx, a, id, func(c *Conversation) error {
		changed = c.AssigneeID != agentID
		return s.store.SetAssignee(ctx, c.Site, c.ID, agentID, now)
	}, func(c *Conversation) { c.AssigneeID, c.UpdatedAt = agentID, now })
	if err != nil {
		return nil, err
	}
	if changed {
		s.recordActivity(ctx, a, c, Activity{Kind: ActivityAssign, To: to}, now)
	}
	s.publish(ctx, Event{Type: EventConversation, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Conversation: c, Origin: a.Conn})
	return c, nil
}

// MarkRead records that the actor's side has read up to seq.
func (s *Service) MarkRead(ctx context.Context, a Actor, id string, seq int64) error {
	author := a.author()
	moved := false
	c, err := s.update(ctx, a, id, func(c *Conversation) error {
		if seq < 0 || seq > c.LastSeq {
			return Invalid("seq is beyond the conversation's last message")
		}
		cur := c.VisitorReadSeq
		if author.Type == AuthorAgent {
			cur = c.AgentReadSeq
		}
		if seq <= cur {
			return nil
		}
		moved = true
		return s.store.SetReadSeq(ctx, c.Site, c.ID, author.Type, seq)
	}, func(c *Conversation) {
		if !moved {
			return
		}
		if author.Type == AuthorAgent {
			c.AgentReadSeq = seq
		} else {
			c.VisitorReadSeq = seq
		}
	})
	if err != nil || !moved {
		return err
	}
	s.publish(ctx, Event{Type: EventRead, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Author: &author, Seq: seq, Origin: a.Conn})
	return nil
}

// Typing tells the other side that the actor started or stopped typing.
func (s *Service) Typing(ctx context.Context, a Actor, id string, typing bool) error {
	o, err := s.owner(ctx, a, id)
	if err != nil {
		return err
	}
	author := a.author()
	s.publish(ctx, Event{Type: EventTyping, Site: o.site, ConversationID: id, VisitorID: o.visitorID, Author: &author, Typing: typing, Origin: a.Conn})
	return nil
}

// Rate records a visitor's 1-5 rating of a resolved conversation.
func (s *Service) Rate(ctx context.Context, a Actor, id string, rating int, comment string) error {
	if rating < 1 || rating > 5 {
		return Invalid("rating must be 1 to 5")
	}
	if a.Agent != nil {
		return Errorf(CodeForbidden, "only the visitor rates a conversation")
	}
	comment = clip(comment, 1000)
	c, err := s.update(ctx, a, id, func(c *Conversation) error {
		if c.Status != StatusResolved {
			return Errorf(CodeConflict, "only a resolved conversation can be rated")
		}
		return s.store.SetRating(ctx, c.Site, c.ID, rating, comment)
	}, func(c *Conversation) { c.Rating, c.RatingComment = rating, comment })
	if err != nil {
		return err
	}
	// The agents see the rating arrive.
	s.publish(ctx, Event{Type: EventConversation, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Conversation: c, Origin: a.Conn})
	return nil
}

// List returns a page of a site's conversations for an agent, or a
// visitor's own conversations.
func (s *Service) List(ctx context.Context, a Actor, f ConversationFilter) ([]Conversation, error) {
	if a.Agent != nil && !a.Agent.CanAccess(a.Site) {
		return nil, NotFound("site")
	}
	if f.Status != "" && !f.Status.Valid() {
		return nil, Invalid("status must be open, pending or resolved")
	}
	f.Site = a.Site
	if a.Agent == nil {
		f.VisitorID = a.VisitorID
	}
	if f.Limit <= 0 || f.Limit > 100 {
		f.Limit = 50
	}
	return s.store.ListConversations(ctx, f)
}
