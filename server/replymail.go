package server

import "github.com/kefu/kefu/chat"

// ReplyMailer emails agents' replies to visitors who left a message while
// nobody was online (notify.Replies).
type ReplyMailer interface {
	// Replied is told of each message an agent stored, with whether its
	// visitor has a socket open on this node, and reports whether it will
	// be emailed. It must not wait for the mail.
	Replied(c *chat.Conversation, m *chat.Message, visitorConnected bool) bool
}

// mailReply hands an agent's newly stored message to the mailer, if kefu
// sends email, and reports whether it will be emailed.
func (s *Server) mailReply(sent chat.Sent) bool {
	if s.opts.Replies == nil || sent.Duplicate || sent.Conversation == nil || sent.Message == nil {
		return false
	}
	c := sent.Conversation
	return s.opts.Replies.Replied(c, sent.Message, s.hub.visitorConnected(c.Site, c.VisitorID))
}
