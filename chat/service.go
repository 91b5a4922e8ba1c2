package chat

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits on what visitors and agents may send.
const (
	MaxTextRunes = 4000
	// ReplayLimit is the most messages one resume or page returns.
	ReplayLimit = 200
)

// Service applies kefu's delivery rules on top of a Store and a Bus: it
// checks who may see and change what, validates input, and announces what
// the store has stored. The store assigns sequence numbers and makes
// resends idempotent, atomically, so several nodes can share one database.
type Service struct {
	store Store
	bus   Bus
	now   func() time.Time
	log   *slog.Logger
	locks *keyedMutex
	// owners caches who owns each conversation, which never changes, so
	// that typing frames, the most frequent of all, need no database read.
	owners ownerCache
}

// NewService returns a Service. now may be nil for time.Now.
func NewService(store Store, bus Bus, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, bus: bus, now: now, log: log, locks: newKeyedMutex(), owners: ownerCache{m: map[string]owner{}}}
}

// Actor is who is acting: a visitor (VisitorID set) or an agent.
type Actor struct {
	Site      string
	VisitorID string
	Agent     *Agent
	// Conn is the connection acting, if any, so that the events it causes
	// are not echoed back to it.
	Conn string
}

func (a Actor) author() Author {
	if a.Agent != nil {
		return Author{Type: AuthorAgent, ID: a.Agent.ID, Name: a.Agent.Name}
	}
	return Author{Type: AuthorVisitor, ID: a.VisitorID}
}

// conversation loads a conversation the actor may see: a visitor sees only
// their own, an agent only those of their sites.
func (s *Service) conversation(ctx context.Context, a Actor, id string) (*Conversation, error) {
	if !ValidKey(id) || !ValidKey(a.Site) {
		return nil, NotFound("conversation")
	}
	if a.Agent != nil && !a.Agent.CanAccess(a.Site) {
		return nil, NotFound("conversation")
	}
	c, err := s.store.Conversation(ctx, a.Site, id)
	if err != nil {
		return nil, err
	}
	if c.Site != a.Site || (a.Agent == nil && c.VisitorID != a.VisitorID) {
		return nil, NotFound("conversation")
	}
	return c, nil
}

// update runs change on a conversation the actor may see: write stores
// the change, and apply makes the same change to the loaded copy, which is
// returned, once write has succeeded.
func (s *Service) update(ctx context.Context, a Actor, id string, write func(c *Conversation) error, apply func(c *Conversation)) (*Conversation, error) {
	c, err := s.conversation(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if err := write(c); err != nil {
		return nil, err
	}
	apply(c)
	return c, nil
}

// Conversation returns a conversation the actor may see.
func (s *Service) Conversation(ctx context.Context, a Actor, id string) (*Conversation, error) {
	return s.conversation(ctx, a, id)
}

// SendInput is one message to store.
type SendInput struct {
	ConversationID string
	ClientID       string // empty: the server makes one
	Text           string // may be empty when the message carries files
	Private        bool   // agents only
	// Attachments are ids of files the sender uploaded to the conversation.
	Attachments []string
}

// ValidateText checks message text and returns it trimmed.
func ValidateText(text string) (string, error) {
	if !utf8.ValidString(text) {
		return "", Invalid("text is not valid UTF-8")
	}
	text = strings.TrimSpace(text)
	if text == "" {
		return "", Invalid("text is empty")
	}
	if utf8.RuneCountInString(text) > MaxTextRunes {
		return "", Invalid("text is longer than %d characters", MaxTextRunes)
	}
	return text, nil
}

// Sent is what Send did.
type Sent struct {
	Message *Message
	// Duplicate is true when the conversation already had the client id:
	// Message is the stored one, and nothing new was stored.
	Duplicate bool
	// Conversation is the conversation as it was read before the send,
	// for what the caller does next (such as FAQ suggestions).
	Conversation *Conversation
}

// Send stores a message and announces it.
func (s *Service) Send(ctx context.Context, a Actor, in SendInput) (Sent, error) {
	// The most any site allows, before any reading; sendable applies the
	// site's own limit.
	if len(in.Attachments) > MaxFilesPerMessage {
		return Sent{}, Errorf(CodeTooLarge, "a message carries at most %d files", MaxFilesPerMessage)
	}
	text, err := ValidateText(in.Text)
	if err != nil && !(len(in.Attachments) > 0 && strings.TrimSpace(in.Text) == "") {
		return Sent{}, err
	}
	if in.ClientID == "" {
		in.ClientID = "s-" + NewID()
	} else if !ValidKey(in.ClientID) {
		return Sent{}, Invalid("client_id must be 1-64 characters of letters, digits, '-' and '_'")
	}
	if in.Private && a.Agent == nil {
		return Sent{}, Invalid("only agents write private notes")
	}
	c, err := s.conversation(ctx, a, in.ConversationID)
	if err != nil {
		return Sent{}, err
	}
	if c.Status == StatusResolved && a.Agent == nil {
		// A resend of what the visitor sent before it was resolved is
		// still answered; anything new needs a new conversation.
		if old, err := s.store.MessageByClientID(ctx, c.Site, c.ID, in.ClientID); err == nil && sameAuthor(old.Author, a.author()) {
			return Sent{Message: old, Duplicate: true, Conversation: c}, nil
		}
		return Sent{}, Errorf(CodeConflict, "conversation is resolved; start a new one")
	}
	files, err := s.sendable(ctx, a, c, in.Attachments)
	if err != nil {
		return Sent{}, err
	}
	m := &Message{
		Site:           c.Site,
		ConversationID: c.ID,
		ClientID:       in.ClientID,
		Author:         a.author(),
		Text:           text,
		Private:        in.Private,
		CreatedAt:      s.now().UTC().Truncate(time.Millisecond),
		Files:          files,
	}
	for _, f := range files {
		m.Attachments = append(m.Attachments, f.ID)
	}
	unlock := s.locks.lock(c.Site + "/" + c.ID)
	defer unlock()
	author := m.Author
	dup, err := s.store.AppendMessage(ctx, m)
	if err != nil {
		return Sent{}, err
	}
	if dup && !sameAuthor(m.Author, author) {
		// Someone else's message has that client id: it is not this
		// sender's to see, nor to announce again.
		return Sent{}, Errorf(CodeConflict, "client_id is taken; use a new one")
	}
	if dup {
		// The stored message, with the files it was sent with.
		ms := []Message{*m}
		if err := s.WithFiles(ctx, c.Site, c.ID, ms); err != nil {
			return Sent{}, err
		}
		*m = ms[0]
	}
	// A resend is announced again too: the first try may have been stored
	// by a node that died before announcing it. Clients drop a seq they
	// already have.
	s.publish(ctx, Event{Type: EventMessage, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Message: m, Origin: a.Conn})
	return Sent{Message: m, Duplicate: dup, Conversation: c}, nil
}

// sameAuthor reports whether two authors are the same person.
func sameAuthor(a, b Author) bool { return a.Type == b.Type && a.ID == b.ID }

// MessageID is the id of a conversation's message with seq.
func MessageID(conversationID string, seq int64) string {
	return fmt.Sprintf("%s:%012d", conversationID, seq)
}

// ReplayState says how complete a replay is.
type ReplayState string

// The replay states.
const (
	ReplayOK      ReplayState = "ok"
	ReplayLimited ReplayState = "limited"
	ReplayReset   ReplayState = "reset"
)

// Replay is the answer to a resume.
type Replay struct {
	ConversationID string
	State          ReplayState
	Messages       []Message
	LastSeq        int64
}

// Resume returns what the actor missed after lastSeq, in order.
func (s *Service) Resume(ctx context.Context, a Actor, conversationID string, lastSeq int64) (*Replay, error) {
	c, err := s.conversation(ctx, a, conversationID)
	if err != nil {
		return nil, err
	}
	r := &Replay{ConversationID: c.ID, State: ReplayOK, LastSeq: c.LastSeq}
	if lastSeq < 0 || lastSeq > c.LastSeq {
		r.State, lastSeq = ReplayReset, 0
	}
	if c.LastSeq-lastSeq > ReplayLimit && r.State == ReplayOK {
		r.State = ReplayLimited
	}
	msgs, err := s.store.Messages(ctx, c.Site, c.ID, lastSeq, ReplayLimit)
	if err == nil {
		err = s.WithFiles(ctx, c.Site, c.ID, msgs)
	}
	if err != nil {
		return nil, err
	}
	r.Messages = visible(a, msgs)
	return r, nil
}

// Messages returns up to limit messages after afterSeq.
func (s *Service) Messages(ctx context.Context, a Actor, conversationID string, afterSeq int64, limit int) ([]Message, *Conversation, error) {
	afterSeq = max(afterSeq, 0)
	return s.page(ctx, a, conversationID, limit, func(c *Conversation, n int) ([]Message, error) {
		return s.store.Messages(ctx, c.Site, c.ID, afterSeq, n)
	})
}

// MessagesBefore returns up to limit messages with seq < beforeSeq, the
// newest of them: the page before, for a reader scrolling back.
func (s *Service) MessagesBefore(ctx context.Context, a Actor, conversationID string, beforeSeq int64, limit int) ([]Message, *Conversation, error) {
	return s.page(ctx, a, conversationID, limit, func(c *Conversation, n int) ([]Message, error) {
		return s.store.MessagesBefore(ctx, c.Site, c.ID, beforeSeq, n)
	})
}

// page reads a page of a conversation the actor may see, with its files,
// private notes hidden from visitors, and at most ReplayLimit messages.
func (s *Service) page(ctx context.Context, a Actor, conversationID string, limit int, read func(*Conversation, int) ([]Message, error)) ([]Message, *Conversation, error) {
	c, err := s.conversation(ctx, a, conversationID)
	if err != nil {
		return nil, nil, err
	}
	if limit <= 0 || limit > ReplayLimit {
		limit = ReplayLimit
	}
	msgs, err := read(c, limit)
	if err == nil {
		err = s.WithFiles(ctx, c.Site, c.ID, msgs)
	}
	if err != nil {
		return nil, nil, err
	}
	return visible(a, msgs), c, nil
}

// visible replaces private notes with placeholders for visitors.
func visible(a Actor, msgs []Message) []Message {
	if a.Agent != nil {
		return msgs
	}
	out := make([]Message, len(msgs))
	for i := range msgs {
		if out[i] = msgs[i]; msgs[i].Private {
			out[i] = msgs[i].Placeholder()
		}
	}
	return out
}

// publish announces an event. A failure is logged, not returned: what was
// stored stays stored, and clients catch up by resuming.
func (s *Service) publish(ctx context.Context, e Event) {
	// What is stored is announced even if the request that stored it has
	// gone: its context must not cancel the announcement.
	ctx = context.WithoutCancel(ctx)
	data, err := json.Marshal(e)
	if err != nil {
		s.log.Error("encode event", "err", err)
		return
	}
	if err := s.bus.Publish(ctx, SiteSubject(e.Site), data); err != nil {
		s.log.Warn("publish event", "type", e.Type, "site", e.Site, "err", err)
	}
}
