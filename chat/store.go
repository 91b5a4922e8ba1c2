package chat

import (
	"context"
	"time"
)

// Every store method is scoped: a lookup by id of something that belongs to
// another site returns a not-found error, exactly as if it did not exist.
// Methods return *Error values with CodeNotFound or CodeConflict where those
// apply, and wrap everything else with context.

// SiteStore keeps sites.
type SiteStore interface {
	Site(ctx context.Context, key string) (*Site, error)
	// CreateSite fails with CodeConflict when the key is taken.
	CreateSite(ctx context.Context, s *Site) error
	UpdateSite(ctx context.Context, s *Site) error
	// SiteKeys lists every site's key.
	SiteKeys(ctx context.Context) ([]string, error)
}

// AgentStore keeps agents.
type AgentStore interface {
	Agent(ctx context.Context, id string) (*Agent, error)
	AgentByEmail(ctx context.Context, email string) (*Agent, error)
	// CreateAgent fails with CodeConflict when the email is taken.
	CreateAgent(ctx context.Context, a *Agent) error
	UpdateAgent(ctx context.Context, a *Agent) error
	ListAgents(ctx context.Context, site string) ([]Agent, error)
}

// VisitorStore keeps visitors.
type VisitorStore interface {
	Visitor(ctx context.Context, site, id string) (*Visitor, error)
	// VisitorByUserID finds the visitor a site verified as userID.
	VisitorByUserID(ctx context.Context, site, userID string) (*Visitor, error)
	// CreateVisitor fails with CodeConflict when the id, or the site's
	// verified user id, is taken.
	CreateVisitor(ctx context.Context, v *Visitor) error
	UpdateVisitor(ctx context.Context, v *Visitor) error
}

// ConversationFilter selects conversations of one site for a listing.
type ConversationFilter struct {
	Site      string
	Status    Status // empty: any
	VisitorID string // empty: any
	Limit     int
	// Before pages backwards: only conversations updated before it, or at
	// it with a smaller id.
	Before   time.Time
	BeforeID string
}

// ConversationStore keeps conversations and their messages.
type ConversationStore interface {
	Conversation(ctx context.Context, site, id string) (*Conversation, error)
	// CreateConversation stores a new conversation. A visitor has at most
	// one conversation that is not resolved: a second one fails with
	// CodeConflict, across processes.
	CreateConversation(ctx context.Context, c *Conversation) error
	// ActiveConversation returns the visitor's conversation that is not
	// resolved, or a not-found error.
	ActiveConversation(ctx context.Context, site, visitorID string) (*Conversation, error)
	ListConversations(ctx context.Context, f ConversationFilter) ([]Conversation, error)
	// SetStatus changes the status; resolving frees the visitor to start a
	// new conversation.
	SetStatus(ctx context.Context, site, id string, status Status, at time.Time) error
	SetAssignee(ctx context.Context, site, id, agentID string, at time.Time) error
	SetReadSeq(ctx context.Context, site, id string, who AuthorType, seq int64) error
	SetRating(ctx context.Context, site, id string, rating int, comment string) error

	// AppendMessage stores m, whose Seq and ClientID the caller has set,
	// then records it as the conversation's newest message. It fails with
	// CodeConflict when the conversation already has m.Seq or m.ClientID.
	// Callers serialize appends to one conversation.
	AppendMessage(ctx context.Context, m *Message) error
	// MessageByClientID finds a message by its sender's id.
	MessageByClientID(ctx context.Context, site, conversationID, clientID string) (*Message, error)
	// Messages returns up to limit messages with seq > afterSeq, in order.
	Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]Message, error)
	// RepairConversation recomputes LastSeq and Tail from the stored
	// messages, after a crash between the two writes of AppendMessage.
	RepairConversation(ctx context.Context, site, id string) (*Conversation, error)
}

// FAQStore keeps FAQ entries.
type FAQStore interface {
	FAQ(ctx context.Context, site, id string) (*FAQ, error)
	ListFAQ(ctx context.Context, site string) ([]FAQ, error)
	// SaveFAQ inserts or replaces an entry.
	SaveFAQ(ctx context.Context, f *FAQ) error
	// SaveFAQs inserts or replaces many entries of one site.
	SaveFAQs(ctx context.Context, site string, fs []FAQ) error
	DeleteFAQ(ctx context.Context, site, id string) error
	// CountFAQEvent adds one to an entry's views or solved count.
	CountFAQEvent(ctx context.Context, site, id string, solved bool) error
}

// FeedbackStore keeps feedback.
type FeedbackStore interface {
	CreateFeedback(ctx context.Context, f *Feedback) error
	ListFeedback(ctx context.Context, site string, limit int) ([]Feedback, error)
}

// TokenStore keeps agents' refresh tokens.
type TokenStore interface {
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	RefreshToken(ctx context.Context, hash string) (*RefreshToken, error)
	// MarkRotated flags a token as used. It fails with CodeConflict when it
	// was already rotated, which means the token was stolen and replayed.
	MarkRotated(ctx context.Context, hash string) error
	RevokeFamily(ctx context.Context, family string) error
}

// Store is everything kefu keeps.
type Store interface {
	SiteStore
	AgentStore
	VisitorStore
	ConversationStore
	FAQStore
	FeedbackStore
	TokenStore
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}
