package server

import (
	"encoding/json"
	"unicode/utf8"

	"github.com/kefu/kefu/chat"
)

// ProtocolVersion is the websocket protocol version; see docs/protocol.md.
const ProtocolVersion = 1

// inFrame is every field a client frame may carry. Decoding into this typed
// struct is the only way client JSON enters kefu: a field of another shape,
// such as {"$ne": null} where an id belongs, fails to decode. Fields that
// the server owns (author, seq of a message, created_at, site of a visitor)
// are not part of it and so are ignored.
type inFrame struct {
	V              int    `json:"v"`
	Type           string `json:"type"`
	ID             string `json:"id"`
	Token          string `json:"token"`
	Site           string `json:"site"` // agents with several sites
	ConversationID string `json:"conversation_id"`
	ClientID       string `json:"client_id"`
	Text           string `json:"text"`
	Private        bool   `json:"private"`
	Typing         bool   `json:"typing"`
	Viewing        bool   `json:"viewing"` // an agent's viewing frame
	Seq            int64  `json:"seq"`
	LastSeq        int64  `json:"last_seq"`
	// Status is an agent's presence, in an auth or presence frame.
	Status chat.Presence `json:"status"`
	// Attachments are ids of files uploaded to the conversation, for a
	// send frame.
	Attachments []string `json:"attachments"`
	// A page frame: the page the widget shows on, and the browser's
	// language and time zone (IANA name, and minutes east of UTC).
	URL      string `json:"url"`
	Title    string `json:"title"`
	Referrer string `json:"referrer"`
	Lang     string `json:"lang"`
	TimeZone string `json:"time_zone"`
	Offset   *int   `json:"utc_offset"`
}

// decodeFrame parses and checks one client frame.
func decodeFrame(data []byte) (inFrame, error) {
	var f inFrame
	if !utf8.Valid(data) {
		return f, chat.Invalid("frame is not valid UTF-8")
	}
	if err := json.Unmarshal(data, &f); err != nil {
		return inFrame{}, chat.Wrap(chat.CodeInvalid, err, "frame is not a JSON object of the expected shape")
	}
	if f.V != 0 && f.V != ProtocolVersion {
		return f, &chat.Error{Code: codeUnsupportedVersion, Message: "protocol version must be 1"}
	}
	if len(f.ID) > 64 {
		f.ID = ""
		return f, chat.Invalid("id is longer than 64 characters")
	}
	switch f.Type {
	case "auth", "ping", "page", "presence":
		if (f.Status != "" || f.Type == "presence") && !f.Status.Valid() {
			return f, chat.Invalid("status must be online, away or offline")
		}
		return f, nil
	case "send", "typing", "read", "resume", "viewing":
	default:
		return f, chat.Invalid("unknown frame type %q", clipType(f.Type))
	}
	if !chat.ValidKey(f.ConversationID) {
		return f, chat.Invalid("conversation_id is missing or malformed")
	}
	if f.Site != "" && !chat.ValidKey(f.Site) {
		return f, chat.Invalid("site is malformed")
	}
	switch f.Type {
	case "send":
		if !chat.ValidKey(f.ClientID) {
			return f, chat.Invalid("client_id must be 1-64 characters of letters, digits, '-' and '_'")
		}
	case "read":
		if f.Seq < 0 {
			return f, chat.Invalid("seq must not be negative")
		}
	}
	return f, nil
}

const codeUnsupportedVersion chat.Code = "unsupported_version"

func clipType(t string) string {
	if len(t) > 32 {
		return t[:32] + "…"
	}
	return t
}

// outFrame is a server frame. Only the fields of its type are set.
type outFrame struct {
	Type         string   `json:"type"`
	Role         string   `json:"role,omitempty"`
	Site         string   `json:"site,omitempty"`
	Sites        []string `json:"sites,omitempty"`
	VisitorID    string   `json:"visitor_id,omitempty"`
	AgentID      string   `json:"agent_id,omitempty"`
	AgentsOnline *bool    `json:"agents_online,omitempty"`
	// Agents is the presence of each agent of Site, for agents.
	Agents         *map[string]chat.Presence `json:"agents,omitempty"`
	Conversations  *[]conversationView       `json:"conversations,omitempty"`
	Conversation   *conversationView         `json:"conversation,omitempty"`
	ConversationID string                    `json:"conversation_id,omitempty"`
	ClientID       string                    `json:"client_id,omitempty"`
	Message        *messageView              `json:"message,omitempty"`
	Messages       *[]messageView            `json:"messages,omitempty"`
	Duplicate      bool                      `json:"duplicate,omitempty"`
	Author         *chat.Author              `json:"author,omitempty"`
	Typing         *bool                     `json:"typing,omitempty"`
	Viewing        *bool                     `json:"viewing,omitempty"`
	Seq            int64                     `json:"seq,omitempty"`
	LastSeq        *int64                    `json:"last_seq,omitempty"`
	State          chat.ReplayState          `json:"state,omitempty"`
	Results        *[]faqResult              `json:"results,omitempty"`
	Status         chat.Status               `json:"status,omitempty"`
}

func encode(f outFrame) []byte {
	b, err := json.Marshal(f)
	if err != nil {
		// Every field is a plain type; this cannot fail.
		panic("server: encode frame: " + err.Error())
	}
	return b
}

// errorFrame encodes an error for the client. Its message is caller-safe.
func errorFrame(err error, ref, clientID string) []byte {
	code := chat.ErrorCode(err)
	retry := code == chat.CodeUnavailable || code == chat.CodeRateLimited
	return encodeError(code, chat.ErrorMessage(err), ref, clientID, retry)
}

func encodeError(code chat.Code, msg, ref, clientID string, retry bool) []byte {
	b, _ := json.Marshal(struct {
		Type     string    `json:"type"`
		Code     chat.Code `json:"code"`
		Message  string    `json:"message"`
		Ref      string    `json:"ref,omitempty"`
		ClientID string    `json:"client_id,omitempty"`
		Retry    bool      `json:"retry"`
	}{"error", code, msg, ref, clientID, retry})
	return b
}

func ptr[T any](v T) *T { return &v }
