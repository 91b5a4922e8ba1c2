package chat

import "time"

// Site is one website that embeds the widget. Its Key is public: it appears
// in the script tag.
type Site struct {
	Key            string         `json:"key"`
	Name           string         `json:"name"`
	AllowedOrigins []string       `json:"allowed_origins"`
	IdentitySecret string         `json:"-"`
	Widget         WidgetSettings `json:"widget"`
	// Files is what files the site takes, and how many.
	Files FilePolicy `json:"files"`
	// RequireTwoFactor sends the site's agents who log in with a password
	// alone to two-factor enrolment, and lets them do nothing else.
	RequireTwoFactor bool      `json:"require_two_factor"`
	CreatedAt        time.Time `json:"created_at"`
	UpdatedAt        time.Time `json:"updated_at"`
	// Version changes with every UpdateSite, which refuses a copy read
	// before another change: a patch cannot undo a secret rotation.
	Version int64 `json:"-"`
}

// WidgetSettings is how a site's widget looks and greets visitors.
type WidgetSettings struct {
	Color         string            `json:"color"`
	Position      string            `json:"position"` // "right" or "left"
	DefaultLang   string            `json:"default_lang"`
	Languages     []string          `json:"languages,omitempty"`
	Greeting      map[string]string `json:"greeting,omitempty"` // by language
	Topics        []Topic           `json:"topics,omitempty"`
	BusinessHours BusinessHours     `json:"business_hours"`
	// Offline is what the widget offers while no agent is online: OfflineChat
	// (the default, also when empty) or OfflineForm.
	Offline string `json:"offline,omitempty"`
	// OfflineMessage, by language, is what the panel says outside business
	// hours, in place of its own words.
	OfflineMessage map[string]string `json:"offline_message,omitempty"`
	// Logo is the site's logo for the panel's header: an https URL, or
	// empty. LogoImage is an uploaded logo instead (PNG, made by SetLogo),
	// served by kefu; the API never shows its bytes.
	Logo      string `json:"logo,omitempty"`
	LogoImage []byte `json:"logo_image,omitempty"`
}

// What the widget offers while no agent is online.
const (
	// OfflineChat keeps the chat: the visitor asks, sees FAQ answers while
	// waiting, and gets the reply in the chat when an agent is back.
	OfflineChat = "chat"
	// OfflineForm offers the leave-a-message form, which asks for an email.
	OfflineForm = "form"
)

// Topic is a preset topic a visitor can tap to start a chat.
type Topic struct {
	ID     string            `json:"id"`
	Labels map[string]string `json:"labels"` // by language
}

// BusinessHours says when agents are expected to answer. An empty Days
// means always open.
type BusinessHours struct {
	Timezone string     `json:"timezone,omitempty"`
	Days     []OpenSpan `json:"days,omitempty"`
}

// OpenSpan is one opening window, in minutes after midnight local time.
type OpenSpan struct {
	Weekday  time.Weekday `json:"weekday"`
	FromMin  int          `json:"from_min"`
	UntilMin int          `json:"until_min"`
}

// Role is an agent's power over a site.
type Role string

// The agent roles.
const (
	RoleOwner Role = "owner"
	RoleAdmin Role = "admin"
	RoleAgent Role = "agent"
)

// Agent is a person who answers visitors from the inbox.
type Agent struct {
	ID           string   `json:"id"`
	Email        string   `json:"email"`
	Name         string   `json:"name"`
	PasswordHash string   `json:"-"`
	Role         Role     `json:"role"`
	Sites        []string `json:"sites"`
	TOTPSecret   string   `json:"-"`
	// TOTPPending is a two-factor secret being enrolled, until a code made
	// with it confirms it and it becomes TOTPSecret.
	TOTPPending string `json:"-"`
	// RecoveryHashes are the hashes of the recovery codes not used yet,
	// each good for one login without the authenticator.
	RecoveryHashes []string `json:"-"`
	// Disabled agents can neither log in nor act; their logins are ended.
	Disabled bool `json:"disabled,omitempty"`
	// InviteHash is the hash of the one-time link that sets the password
	// of an invited agent, good until InviteExpires; empty once used.
	InviteHash    string    `json:"-"`
	InviteExpires time.Time `json:"-"`
	CreatedAt     time.Time `json:"created_at"`
	// Version changes with every UpdateAgent, which refuses a copy read
	// before another change: two writers cannot undo each other.
	Version int64 `json:"-"`
}

// TwoFactor reports whether the agent logs in with a second factor.
func (a *Agent) TwoFactor() bool { return a.TOTPSecret != "" }

// CanAccess reports whether the agent works on site.
func (a *Agent) CanAccess(site string) bool {
	for _, s := range a.Sites {
		if s == site {
			return true
		}
	}
	return false
}

// Visitor is a person on a site's page. Anonymous visitors are known by a
// random id kept in their session token; verified visitors also carry the
// site's own user id.
type Visitor struct {
	ID       string `json:"id"`
	Site     string `json:"site"`
	UserID   string `json:"user_id,omitempty"`
	Verified bool   `json:"verified"`
	// ProfileVerified is true when the site signed Name and Email too (an
	// identity token); a hash proves UserID only, and they are what the
	// page said.
	ProfileVerified bool              `json:"profile_verified"`
	Name            string            `json:"name,omitempty"`
	Email           string            `json:"email,omitempty"`
	Attributes      map[string]string `json:"attributes,omitempty"`
	CreatedAt       time.Time         `json:"created_at"`
	LastSeenAt      time.Time         `json:"last_seen_at"`
}

// Status is where a conversation stands.
type Status string

// The conversation statuses.
const (
	StatusOpen     Status = "open"
	StatusPending  Status = "pending"
	StatusResolved Status = "resolved"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	return s == StatusOpen || s == StatusPending || s == StatusResolved
}

// Kind tells a live chat from a message left while nobody was online.
type Kind string

// The conversation kinds.
const (
	KindChat    Kind = "chat"
	KindOffline Kind = "offline"
)

// Conversation is one thread between a visitor and the site's agents.
type Conversation struct {
	ID         string `json:"id"`
	Site       string `json:"site"`
	VisitorID  string `json:"visitor_id"`
	Kind       Kind   `json:"kind"`
	Status     Status `json:"status"`
	Topic      string `json:"topic,omitempty"`
	Lang       string `json:"lang,omitempty"`
	PageURL    string `json:"page_url,omitempty"`
	Referrer   string `json:"referrer,omitempty"`
	UserAgent  string `json:"user_agent,omitempty"`
	Email      string `json:"email,omitempty"` // left with an offline message
	AssigneeID string `json:"assignee_id,omitempty"`
	LastSeq    int64  `json:"last_seq"`
	// Last is the newest message that is not an activity; LastPublic the
	// newest that is not private (a note or an activity), which is what
	// the visitor sees last. Both are nil until there is one.
	Last       *Message `json:"-"`
	LastPublic *Message `json:"-"`
	// FirstReplyAt is when an agent first answered the visitor (not with a
	// private note); zero until then.
	FirstReplyAt   time.Time `json:"first_reply_at,omitzero"`
	VisitorReadSeq int64     `json:"visitor_read_seq"`
	AgentReadSeq   int64     `json:"agent_read_seq"`
	Rating         int       `json:"rating,omitempty"`
	RatingComment  string    `json:"rating_comment,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	UpdatedAt      time.Time `json:"updated_at"`
}

// PrepareNew checks a conversation about to be created and fills in what
// it lacks: an id, status open, kind chat, and UpdatedAt = CreatedAt, with
// times in UTC to the millisecond that stores keep. A new conversation
// has no messages, so what appends keep (LastSeq, Last, LastPublic,
// FirstReplyAt) starts empty. Every store's CreateConversation calls it.
func (c *Conversation) PrepareNew() error {
	if c.Site == "" || c.VisitorID == "" {
		return Invalid("conversation needs a site and a visitor")
	}
	if c.Status == "" {
		c.Status = StatusOpen
	}
	if !c.Status.Valid() {
		return Invalid("unknown status %q", c.Status)
	}
	if c.Kind == "" {
		c.Kind = KindChat
	}
	if c.ID == "" {
		c.ID = NewID()
	}
	c.CreatedAt = c.CreatedAt.UTC().Truncate(time.Millisecond)
	if c.UpdatedAt.IsZero() {
		c.UpdatedAt = c.CreatedAt
	}
	c.UpdatedAt = c.UpdatedAt.UTC().Truncate(time.Millisecond)
	c.LastSeq, c.Last, c.LastPublic, c.FirstReplyAt = 0, nil, nil, time.Time{}
	return nil
}

// Answered reports whether an agent has answered the visitor.
func (c *Conversation) Answered() bool { return !c.FirstReplyAt.IsZero() }

// Advance records m, just appended, as the conversation's newest message:
// the bookkeeping that every store does in the same step as the append.
// An activity moves LastSeq and UpdatedAt only: Last stays what someone
// wrote, which is what the inbox's list shows and reads as unread.
func (c *Conversation) Advance(m *Message) {
	c.LastSeq = m.Seq
	c.UpdatedAt = m.CreatedAt
	if m.IsActivity() {
		return
	}
	cp := *m
	c.Last = &cp
	if !m.Private {
		c.LastPublic = &cp
		if m.Author.Type == AuthorAgent && c.FirstReplyAt.IsZero() {
			c.FirstReplyAt = m.CreatedAt
		}
	}
}

// AuthorType says who wrote a message.
type AuthorType string

// The author types.
const (
	AuthorVisitor AuthorType = "visitor"
	AuthorAgent   AuthorType = "agent"
	AuthorSystem  AuthorType = "system"
)

// Author is who wrote a message.
type Author struct {
	Type AuthorType `json:"type"`
	ID   string     `json:"id,omitempty"`
	Name string     `json:"name,omitempty"`
}

// Message is one stored chat message. The server assigns Seq, which is
// contiguous per conversation, and CreatedAt. ClientID is the sender's own
// id, used to make resends idempotent.
type Message struct {
	ID             string    `json:"id,omitempty"`
	Site           string    `json:"-"`
	ConversationID string    `json:"conversation_id"`
	Seq            int64     `json:"seq"`
	ClientID       string    `json:"client_id,omitempty"`
	Author         Author    `json:"author,omitzero"`
	Text           string    `json:"text,omitempty"`
	Private        bool      `json:"private,omitempty"` // an agents-only note
	CreatedAt      time.Time `json:"created_at,omitzero"`
	// Attachments are the ids of the files the message carries (see
	// AttachmentStore), in the order sent.
	Attachments []string `json:"attachment_ids,omitempty"`
	// Files are those files' records, when the message was sent or read
	// with them (see Service.WithFiles): what a client's view is made of.
	Files []Attachment `json:"files,omitempty"`
	// Event is the activity a system message records (see Activity);
	// nil for what someone wrote.
	Event *Activity `json:"event,omitempty"`
}

// Placeholder is what a visitor is told of a private note: only that its
// seq is taken, so that the visitor's sequence has no hole to fetch again.
func (m *Message) Placeholder() Message {
	return Message{ConversationID: m.ConversationID, Seq: m.Seq, Private: true}
}

// FAQ is one question and answer of a site's knowledge base.
type FAQ struct {
	ID           string    `json:"id"`
	Site         string    `json:"site"`
	Lang         string    `json:"lang"`
	Category     string    `json:"category"`
	Question     string    `json:"question"`
	Answer       string    `json:"answer"`
	Alternatives []string  `json:"alternatives,omitempty"`
	Published    bool      `json:"published"`
	Order        int       `json:"order"`
	Views        int64     `json:"views"`
	Solved       int64     `json:"solved"`
	UpdatedAt    time.Time `json:"updated_at"`
}

// FeedbackStatus is where the team stands on a piece of feedback.
type FeedbackStatus string

// The statuses of feedback. New feedback, and feedback stored before
// statuses existed, is FeedbackNew.
const (
	FeedbackNew      FeedbackStatus = "new"
	FeedbackPlanned  FeedbackStatus = "planned"
	FeedbackDone     FeedbackStatus = "done"
	FeedbackDeclined FeedbackStatus = "declined"
)

// Valid reports whether s is a known status.
func (s FeedbackStatus) Valid() bool {
	switch s {
	case FeedbackNew, FeedbackPlanned, FeedbackDone, FeedbackDeclined:
		return true
	}
	return false
}

// Feedback is a visitor's suggestion, complaint, bug report or praise, and
// what the team made of it.
type Feedback struct {
	ID        string    `json:"id"`
	Site      string    `json:"site"`
	VisitorID string    `json:"visitor_id,omitempty"`
	Category  string    `json:"category"`
	Text      string    `json:"text"`
	Email     string    `json:"email,omitempty"`
	Lang      string    `json:"lang,omitempty"`
	PageURL   string    `json:"page_url,omitempty"`
	CreatedAt time.Time `json:"created_at"`

	Status FeedbackStatus `json:"status"`
	// Note is the team's internal note. Visitors never see it.
	Note string `json:"note,omitempty"`
	// UpdatedBy is the id of the agent who last changed the status or the
	// note, UpdatedByName their name then, and UpdatedAt when; all zero
	// until someone does.
	UpdatedBy     string    `json:"updated_by,omitempty"`
	UpdatedByName string    `json:"updated_by_name,omitempty"`
	UpdatedAt     time.Time `json:"updated_at,omitzero"`
}

// RefreshToken is one link of an agent's rotating refresh-token chain. Only
// a hash of the token is stored. A reused, already rotated token revokes
// its whole family.
type RefreshToken struct {
	Hash      string    `json:"-"`
	AgentID   string    `json:"agent_id"`
	Family    string    `json:"family"`
	Rotated   bool      `json:"rotated"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
	// RotatedAt is when the token was first used; zero until then.
	RotatedAt time.Time `json:"rotated_at"`
}
