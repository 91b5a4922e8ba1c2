package chat

import (
	"context"
	"time"
)

// ActivityKind names what an activity records.
type ActivityKind string

// The activity kinds.
const (
	// ActivityStatus records a status change: Status is the new one.
	ActivityStatus ActivityKind = "status"
	// ActivityAssign records an assignment: To is the new assignee, or
	// nil when the conversation was unassigned.
	ActivityAssign ActivityKind = "assign"
)

// Activity is a change to a conversation that its thread records for the
// agents: who resolved, reopened or assigned it, and when (the time of
// the message that carries it). Names are kept as they were then.
type Activity struct {
	Kind   ActivityKind `json:"kind"`
	Status Status       `json:"status,omitempty"`
	To     *Author      `json:"to,omitempty"`
	By     Author       `json:"by"`
}

// IsActivity reports whether m records an activity rather than something
// someone wrote. Activities are private system messages: visitors get only
// their seq, and they are never a conversation's Last.
func (m *Message) IsActivity() bool { return m.Event != nil }

// recordActivity stores what the actor did to c, at, as a private system
// message, advances c with it and announces it. The change itself is
// stored already, so a failure here is logged and not returned: the
// record is lost, never the change.
func (s *Service) recordActivity(ctx context.Context, a Actor, c *Conversation, ev Activity, at time.Time) {
	ev.By = a.author()
	m := &Message{
		Site:           c.Site,
		ConversationID: c.ID,
		ClientID:       "a-" + NewID(),
		Author:         Author{Type: AuthorSystem},
		Private:        true,
		CreatedAt:      at.Truncate(time.Millisecond),
		Event:          &ev,
	}
	unlock := s.locks.lock(c.Site + "/" + c.ID)
	defer unlock()
	if _, err := s.store.AppendMessage(context.WithoutCancel(ctx), m); err != nil {
		s.log.Warn("record activity", "site", c.Site, "conversation", c.ID, "kind", ev.Kind, "err", err)
		return
	}
	c.Advance(m)
	// Every socket gets it, the acting one too: its thread shows the line.
	s.publish(ctx, Event{Type: EventMessage, Site: c.Site, ConversationID: c.ID, VisitorID: c.VisitorID, Message: m})
}
