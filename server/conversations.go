package server

import (
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/useragent"
)

// conversationView is a conversation as the API shows it.
type conversationView struct {
	*chat.Conversation
	LastMessage *chat.Message `json:"last_message,omitempty"`
	Visitor     *chat.Visitor `json:"visitor,omitempty"`
	// The user agent in words, for agents: browser, os and device.
	useragent.Info
}

func viewConversation(c *chat.Conversation, v *chat.Visitor, forVisitor bool) conversationView {
	cv := conversationView{Conversation: c, Visitor: v, LastMessage: c.Last}
	if forVisitor {
		// Who handles it, as who changed what, is the agents' business.
		cp := *c
		cp.AssigneeID = ""
		cv.Conversation, cv.LastMessage = &cp, c.LastPublic
	} else {
		cv.Info = useragent.Parse(c.UserAgent)
	}
	return cv
}

func (s *Server) handleListConversations(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 50, 100)
	if err != nil {
		return err
	}
	f := chat.ConversationFilter{Status: chat.Status(c.Query("status")), Limit: limit}
	// visitor=ID: one visitor's conversations, as the visitor panel lists them.
	if v := c.Query("visitor"); v != "" {
		if !chat.ValidKey(v) {
			return chat.Invalid("visitor must be a visitor's id")
		}
		f.VisitorID = strings.Clone(v)
	}
	// assignee=me, none, or an agent's id.
	switch who := c.Query("assignee"); who {
	case "":
	case "me":
		f.AssigneeID = a.Agent.ID
	case "none":
		f.AssigneeID = chat.Unassigned
	default:
		if !chat.ValidKey(who) {
			return chat.Invalid("assignee must be me, none or an agent's id")
		}
		f.AssigneeID = strings.Clone(who)
	}
	ctx := c.UserContext()
	var list []chat.Conversation
	next := ""
	if q := c.Query("q"); q != "" {
		// A search pages by its own position, in the same cursor.
		var before int64
		if cur := c.Query("cursor"); cur != "" {
			if before, _, err = decodeCursor(cur); err != nil {
				return err
			}
		}
		var after int64
		if list, after, err = s.opts.Service.Search(ctx, a, strings.Clone(q), f, before); err != nil {
			return err
		}
		if after > 0 {
			next = encodeCursor(after, "q")
		}
	} else {
		if f.Before, f.BeforeID, err = timeCursor(c); err != nil {
			return err
		}
		if list, err = s.opts.Service.List(ctx, a, f); err != nil {
			return err
		}
		if n := len(list); n > 0 && n == f.Limit {
			next = encodeCursor(list[n-1].UpdatedAt.UnixNano(), list[n-1].ID)
		}
	}
	out := make([]conversationView, 0, len(list))
	for i := range list {
		v, err := s.opts.Store.Visitor(ctx, a.Site, list[i].VisitorID)
		if err != nil && !chat.IsCode(err, chat.CodeNotFound) {
			return err
		}
		out = append(out, viewConversation(&list[i], v, false))
	}
	return c.JSON(fiber.Map{"conversations": out, "next_cursor": next})
}

// queryLimit reads the limit query parameter: def when absent, at most
// max. Anything but a whole number from 1 up is a clear 400, never a
// silent default or an overflow further down.
func queryLimit(c *fiber.Ctx, def, max int) (int, error) {
	v := c.Query("limit")
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, chat.Invalid("limit must be a whole number from 1 to %d", max)
	}
	return min(n, max), nil
}

func (s *Server) handleGetConversation(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	conv, err := s.opts.Service.Conversation(c.UserContext(), a, c.Params("id"))
	if err != nil {
		return err
	}
	v, err := s.opts.Store.Visitor(c.UserContext(), a.Site, conv.VisitorID)
	if err != nil && !chat.IsCode(err, chat.CodeNotFound) {
		return err
	}
	return c.JSON(fiber.Map{"conversation": viewConversation(conv, v, false)})
}

func (s *Server) handleAgentMessages(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	return s.sendMessages(c, a)
}

// sendMessages answers a page of a conversation's messages for any actor:
// those after after_seq, or with before_seq those just before it.
func (s *Server) sendMessages(c *fiber.Ctx, a chat.Actor) error {
	after, err := queryInt64(c, "after_seq")
	if err != nil {
		return err
	}
	before, err := queryInt64(c, "before_seq")
	if err != nil {
		return err
	}
	limit, err := queryLimit(c, 50, chat.ReplayLimit)
	if err != nil {
		return err
	}
	var (
		msgs []chat.Message
		conv *chat.Conversation
	)
	switch {
	case c.Query("before_seq") == "":
		msgs, conv, err = s.opts.Service.Messages(c.UserContext(), a, c.Params("id"), after, limit)
	case c.Query("after_seq") != "":
		return chat.Invalid("after_seq and before_seq cannot go together")
	default:
		msgs, conv, err = s.opts.Service.MessagesBefore(c.UserContext(), a, c.Params("id"), before, limit)
	}
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"messages": s.viewMessages(msgs), "last_seq": conv.LastSeq})
}

func queryInt64(c *fiber.Ctx, key string) (int64, error) {
	v := c.Query(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, chat.Invalid("%s must be a non-negative integer", key)
	}
	return n, nil
}

type sendRequest struct {
	Text        string   `json:"text"`
	ClientID    string   `json:"client_id"`
	Private     bool     `json:"private"`
	Attachments []string `json:"attachments"`
}

func (s *Server) handleAgentSend(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req sendRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	start := time.Now()
	sent, err := s.opts.Service.Send(c.UserContext(), a, chat.SendInput{
		ConversationID: c.Params("id"), ClientID: req.ClientID, Text: req.Text, Private: req.Private, Attachments: req.Attachments,
	})
	if err != nil {
		return err
	}
	m, dup := sent.Message, sent.Duplicate
	if !dup {
		s.metrics.messages.WithLabelValues(string(m.Author.Type)).Inc()
		s.metrics.sendLatency.Observe(time.Since(start).Seconds())
		c.Status(fiber.StatusCreated)
	}
	emailed := s.mailReply(sent)
	return c.JSON(fiber.Map{"message": s.viewMessage(m), "duplicate": dup, "emailed": emailed})
}

type statusRequest struct {
	Status chat.Status `json:"status"`
}

func (s *Server) handleSetStatus(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req statusRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	conv, err := s.opts.Service.SetStatus(c.UserContext(), a, c.Params("id"), req.Status)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"conversation": viewConversation(conv, nil, false)})
}

type assignRequest struct {
	AgentID string `json:"agent_id"`
}

func (s *Server) handleAssign(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req assignRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	conv, err := s.opts.Service.Assign(c.UserContext(), a, c.Params("id"), req.AgentID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"conversation": viewConversation(conv, nil, false)})
}
