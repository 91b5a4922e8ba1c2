package chat

import "context"

// EngageInput is an agent's proactive invite: the first message of a
// conversation the agent starts with a visitor on the site, and what the
// visitor's widget said of where they are.
type EngageInput struct {
	VisitorID string
	Text      string
	Lang      string
	PageURL   string
	Referrer  string
	UserAgent string
}

// Engage starts a conversation with a visitor of the agent's site, assigned
// to the agent, with text as its first message, and tells the visitor's
// widget to open on it. A visitor has one unresolved conversation at most:
// if they have one, Engage changes nothing and answers conflict.
func (s *Service) Engage(ctx context.Context, a Actor, in EngageInput) (*Conversation, error) {
	if a.Agent == nil {
		return nil, Errorf(CodeForbidden, "only agents invite visitors")
	}
	if !a.Agent.CanAccess(a.Site) {
		return nil, NotFound("site")
	}
	text, err := ValidateText(in.Text)
	if err != nil {
		return nil, err
	}
	if !ValidKey(in.VisitorID) {
		return nil, NotFound("visitor")
	}
	if _, err := s.store.Visitor(ctx, a.Site, in.VisitorID); err != nil {
		return nil, err
	}
	visitor := Actor{Site: a.Site, VisitorID: in.VisitorID}
	c, created, err := s.start(ctx, visitor, StartInput{Lang: in.Lang, PageURL: in.PageURL, Referrer: in.Referrer, UserAgent: in.UserAgent}, KindChat, "")
	if err != nil {
		return nil, err
	}
	if !created {
		return nil, Errorf(CodeConflict, "the visitor already has an open conversation")
	}
	if _, err := s.Assign(ctx, a, c.ID, a.Agent.ID); err != nil {
		return nil, err
	}
	if _, err := s.Send(ctx, a, SendInput{ConversationID: c.ID, Text: text}); err != nil {
		return nil, err
	}
	if c, err = s.store.Conversation(ctx, a.Site, c.ID); err != nil {
		return nil, err
	}
	s.publish(ctx, Event{Type: EventConversation, Invite: true, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Conversation: c})
	return c, nil
}
