package chat

// EventType names what happened in an Event.
type EventType string

// The event types carried on the bus.
const (
	EventMessage      EventType = "message"
	EventConversation EventType = "conversation"
	EventStatus       EventType = "status"
	EventTyping       EventType = "typing"
	EventRead         EventType = "read"
	EventPresence     EventType = "presence"
	EventFAQ          EventType = "faq"
	// EventAgent says an agent's account changed (role, sites, disabled):
	// every node closes that agent's sockets, which reconnect with what
	// the agent may do now, or not at all.
	EventAgent EventType = "agent"
	// EventSite says a site's settings changed: nodes drop their copy, and
	// open widgets fetch their configuration again.
	EventSite EventType = "site"
	// EventViewing says an agent opened or left a conversation; only the
	// site's agents are told.
	EventViewing EventType = "viewing"
)

// AgentsSubject is the bus subject of EventAgent, for every node.
const AgentsSubject = "kefu.agents"

// Event is something that happened on a site, fanned out to every node so
// that each can tell its own sockets. VisitorID routes it to that visitor's
// sockets; agents of the site get every event.
type Event struct {
	Type           EventType     `json:"type"`
	Site           string        `json:"site"`
	ConversationID string        `json:"conversation_id,omitempty"`
	VisitorID      string        `json:"visitor_id,omitempty"`
	Message        *Message      `json:"message,omitempty"`
	Conversation   *Conversation `json:"conversation,omitempty"`
	Status         Status        `json:"status,omitempty"`
	Author         *Author       `json:"author,omitempty"`
	Typing         bool          `json:"typing,omitempty"`
	Viewing        bool          `json:"viewing,omitempty"`
	Seq            int64         `json:"seq,omitempty"`
	// Origin is the connection that caused the event; it is not echoed
	// back to that connection.
	Origin string `json:"origin,omitempty"`
	// Node and Agents carry one node's count of online agents (presence),
	// and Presence each connected agent's presence on that node, by id.
	Node     string              `json:"node,omitempty"`
	Agents   int                 `json:"agents,omitempty"`
	Presence map[string]Presence `json:"presence,omitempty"`
	// FAQ is a changed FAQ entry; Deleted says it is gone. A faq event
	// without an entry asks for the site's whole FAQ to be reindexed.
	FAQ     *FAQ `json:"faq,omitempty"`
	Deleted bool `json:"deleted,omitempty"`
	// Invite marks the EventConversation of an agent's proactive invite:
	// the visitor's widget opens on it; agents were told already.
	Invite bool `json:"invite,omitempty"`
	// AgentID is the agent of an EventAgent.
	AgentID string `json:"agent_id,omitempty"`
}
