package server

import (
	"github.com/kefu/kefu/attach"
	"github.com/kefu/kefu/chat"
)

// messageView is a message as clients get it: its files as views with
// freshly signed URLs, in place of the records that travel between nodes.
type messageView struct {
	chat.Message
	// Files hides the embedded records: the less nested field wins.
	Files       *struct{}     `json:"files,omitempty"`
	Attachments []attach.View `json:"attachments,omitempty"`
}

// viewMessage returns m's view, or nil for nil.
func (s *Server) viewMessage(m *chat.Message) *messageView {
	if m == nil {
		return nil
	}
	v := &messageView{Message: *m}
	for i := range m.Files {
		v.Attachments = append(v.Attachments, s.attach.View(&m.Files[i]))
	}
	return v
}

// viewMessages returns the views of msgs.
func (s *Server) viewMessages(msgs []chat.Message) []messageView {
	out := make([]messageView, len(msgs))
	for i := range msgs {
		out[i] = *s.viewMessage(&msgs[i])
	}
	return out
}
