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
	// UpdateSite stores s, read with Version: it fails with CodeConflict
	// when the site changed since, and on success advances s.Version.
	UpdateSite(ctx context.Context, s *Site) error
	// SiteKeys returns up to limit site keys that sort after afterKey, in
	// order: a page of all of them (EachSiteKey reads them all).
	SiteKeys(ctx context.Context, afterKey string, limit int) ([]string, error)
}

// AgentStore keeps agents.
type AgentStore interface {
	Agent(ctx context.Context, id string) (*Agent, error)
	AgentByEmail(ctx context.Context, email string) (*Agent, error)
	// AgentByInvite finds the agent whose invite link has the hash.
	AgentByInvite(ctx context.Context, hash string) (*Agent, error)
	// UseRecoveryCode removes hash from the agent's recovery codes, in one
	// atomic step that touches nothing else: of two uses of one code, one
	// succeeds and the other fails with CodeNotFound.
	UseRecoveryCode(ctx context.Context, agentID, hash string) error
	// CreateAgent fails with CodeConflict when the email is taken.
	CreateAgent(ctx context.Context, a *Agent) error
	// UpdateAgent stores a, read with Version: it fails with CodeConflict
	// when the agent changed since (and when the new email is taken), and
	// on success advances a.Version.
	UpdateAgent(ctx context.Context, a *Agent) error
	// ListAgents returns up to limit of the agents who work on site, by
	// name and then id, starting after the agent after (nil: from the
	// first), which is the last one of the previous page.
	ListAgents(ctx context.Context, site string, after *Agent, limit int) ([]Agent, error)
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
	// ListVisitors returns up to limit of a site's visitors whose ids sort
	// after afterID, in id order: a page of all of them.
	ListVisitors(ctx context.Context, site, afterID string, limit int) ([]Visitor, error)
}

// ConversationFilter selects conversations of one site for a listing,
// newest activity first.
type ConversationFilter struct {
	Site      string
	Status    Status // empty: any
	VisitorID string // empty: any
	// AssigneeID selects one agent's conversations; Unassigned selects
	// those of nobody; empty: any.
	AssigneeID string
	Limit      int
	// Before pages backwards: only conversations updated before it, or at
	// it with a smaller id.
	Before   time.Time
	BeforeID string
}

// Unassigned is the ConversationFilter.AssigneeID of conversations that no
// agent has.
const Unassigned = "-"

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
	// new conversation. Reopening fails with CodeConflict while the
	// visitor has another conversation that is not resolved.
	SetStatus(ctx context.Context, site, id string, status Status, at time.Time) error
	SetAssignee(ctx context.Context, site, id, agentID string, at time.Time) error
	// SetReadSeq raises who's read mark; it never lowers it.
	SetReadSeq(ctx context.Context, site, id string, who AuthorType, seq int64) error
	SetRating(ctx context.Context, site, id string, rating int, comment string) error

	// AppendMessage stores m as the next message of its conversation. The
	// store assigns m.Seq (the conversation's last seq plus one) and m.ID,
	// and in the same atomic step advances the conversation's LastSeq,
	// Last, LastPublic, FirstReplyAt and UpdatedAt (to m.CreatedAt, which
	// the caller sets), as (*Conversation).Advance does: an activity
	// moves only LastSeq and UpdatedAt. Appends to one conversation from
	// any number of goroutines, processes or nodes get contiguous seqs: no
	// seq is skipped or given twice, and a message is acknowledged (a nil
	// error) only once it is durably stored. m.Event is stored with it.
	//
	// When the conversation already has a message with m.ClientID, nothing
	// is stored: *m is replaced by that message and duplicate is true.
	AppendMessage(ctx context.Context, m *Message) (duplicate bool, err error)
	// MessageByClientID finds a message by its sender's id.
	MessageByClientID(ctx context.Context, site, conversationID, clientID string) (*Message, error)
	// Messages returns up to limit messages with seq > afterSeq, in
	// ascending seq order.
	Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]Message, error)
	// MessagesBefore returns the newest limit messages with seq <
	// beforeSeq, in ascending seq order: the page that precedes it.
	MessagesBefore(ctx context.Context, site, conversationID string, beforeSeq int64, limit int) ([]Message, error)
}

// FAQStore keeps FAQ entries.
type FAQStore interface {
	FAQ(ctx context.Context, site, id string) (*FAQ, error)
	// ListFAQ returns up to limit of a site's entries, published or not,
	// of language lang ("": of every language), by Order and then ID,
	// starting after the entry after (nil: from the first), which is the
	// last one of the previous page. EachFAQPage reads them all.
	ListFAQ(ctx context.Context, site, lang string, after *FAQ, limit int) ([]FAQ, error)
	// SaveFAQ inserts or replaces an entry.
	SaveFAQ(ctx context.Context, f *FAQ) error
	// SaveFAQs inserts or replaces many entries of one site.
	SaveFAQs(ctx context.Context, site string, fs []FAQ) error
	// SetFAQOrder sets the Order of entries of site, by id, in one write,
	// and changes nothing else: an edit saved meanwhile stays, and an
	// entry deleted meanwhile stays deleted.
	SetFAQOrder(ctx context.Context, site string, order map[string]int) error
	DeleteFAQ(ctx context.Context, site, id string) error
	// CountFAQEvent adds one to an entry's views or solved count, and to
	// the site's count of the FAQSlot that holds at (see FAQCounts).
	CountFAQEvent(ctx context.Context, site, id string, solved bool, at time.Time) error
}

// FeedbackFilter selects a site's feedback, newest first.
type FeedbackFilter struct {
	Site  string
	Limit int
	// Status and Category, when set, keep only feedback that has them.
	Status   FeedbackStatus
	Category string
	// Before pages backwards: only feedback created before it, or at it
	// with a smaller id.
	Before   time.Time
	BeforeID string
}

// FeedbackUpdate is a change to one piece of feedback: a status, a note,
// or both, and who made it when.
type FeedbackUpdate struct {
	// Status is the new status; empty keeps the one stored.
	Status FeedbackStatus
	// Note is the new note, which may be empty; nil keeps the one stored.
	Note   *string
	By     string // the agent's id
	ByName string
	At     time.Time
}

// FeedbackStore keeps feedback.
type FeedbackStore interface {
	// CreateFeedback stores f, as it is; an empty Status is stored as
	// FeedbackNew.
	CreateFeedback(ctx context.Context, f *Feedback) error
	// Feedback returns one piece of a site's feedback.
	Feedback(ctx context.Context, site, id string) (*Feedback, error)
	ListFeedback(ctx context.Context, f FeedbackFilter) ([]Feedback, error)
	// UpdateFeedback applies u to feedback id of site in one atomic write,
	// so that a status and a note changed at once by two agents are both
	// kept, and returns the feedback as stored then. Another site's
	// feedback is not found.
	UpdateFeedback(ctx context.Context, site, id string, u FeedbackUpdate) (*Feedback, error)
}

// TokenStore keeps agents' refresh tokens.
type TokenStore interface {
	CreateRefreshToken(ctx context.Context, t *RefreshToken) error
	RefreshToken(ctx context.Context, hash string) (*RefreshToken, error)
	// MarkRotated flags a token as used at at. It fails with CodeConflict
	// when it was already rotated: its response was lost, or it was stolen
	// and replayed.
	MarkRotated(ctx context.Context, hash string, at time.Time) error
	RevokeFamily(ctx context.Context, family string) error
	// RevokeAgent deletes every token of an agent, ending all its logins.
	RevokeAgent(ctx context.Context, agentID string) error
	// FamilyActive reports whether a family still has a token: a login
	// that was not logged out or revoked.
	FamilyActive(ctx context.Context, family string) (bool, error)
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
	RetentionStore
	AttachmentStore
	SearchStore
	AlertStore
	CannedStore
	ReportStore
	// Ping reports whether the database answers.
	Ping(ctx context.Context) error
}
