package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/live"
	"github.com/kefu/kefu/useragent"
)

// liveView is a live visitor as the agents' API shows it: what the nodes
// keep in memory, the browser in words, and for one visitor their stored
// profile.
type liveView struct {
	live.Visitor
	useragent.Info
	Profile *chat.Visitor `json:"profile,omitempty"`
}

func viewLive(v live.Visitor) liveView {
	return liveView{Visitor: v, Info: useragent.Parse(v.UserAgent)}
}

// handleLiveVisitors lists who is on the site now: visitors with an open
// widget socket on any node, the most recent arrival first.
func (s *Server) handleLiveVisitors(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	vs, err := s.hub.liveVisitors(c.UserContext(), a.Site, "")
	if err != nil {
		return err
	}
	out := make([]liveView, 0, len(vs))
	for _, v := range vs {
		out = append(out, viewLive(v))
	}
	return c.JSON(fiber.Map{"visitors": out})
}

// handleLiveVisitor tells what the nodes know of one visitor now: their
// page trail of this visit, time zone and browser. A visitor who left more
// than live.Grace ago, or never came, is not found.
func (s *Server) handleLiveVisitor(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	v, err := s.findLive(c, a)
	if err != nil {
		return err
	}
	view := viewLive(v)
	if p, err := s.opts.Store.Visitor(c.UserContext(), a.Site, v.VisitorID); err == nil {
		view.Profile = p
	} else if !chat.IsCode(err, chat.CodeNotFound) {
		return err
	}
	return c.JSON(fiber.Map{"visitor": view})
}

func (s *Server) findLive(c *fiber.Ctx, a chat.Actor) (live.Visitor, error) {
	id := c.Params("id")
	if !chat.ValidKey(id) {
		return live.Visitor{}, chat.NotFound("visitor")
	}
	vs, err := s.hub.liveVisitors(c.UserContext(), a.Site, strings.Clone(id))
	if err != nil {
		return live.Visitor{}, err
	}
	if len(vs) == 0 {
		return live.Visitor{}, chat.Errorf(chat.CodeNotFound, "the visitor is not on the site now")
	}
	return vs[0], nil
}

type engageRequest struct {
	Text string `json:"text"`
}

// handleInviteVisitor starts a conversation with a visitor who is on the
// site now, with the agent's message, and opens it in their widget.
func (s *Server) handleInviteVisitor(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	var req engageRequest
	if err := parseBody(c, &req); err != nil {
		return err
	}
	if _, err := chat.ValidateText(req.Text); err != nil {
		return err
	}
	v, err := s.findLive(c, a)
	if err != nil {
		return err
	}
	if !v.Online {
		return chat.Errorf(chat.CodeNotFound, "the visitor is not on the site now")
	}
	page := ""
	if n := len(v.Pages); n > 0 {
		page = v.Pages[n-1].URL
	}
	conv, err := s.opts.Service.Engage(c.UserContext(), a, chat.EngageInput{
		VisitorID: v.VisitorID, Text: req.Text, Lang: v.Lang, PageURL: page, Referrer: v.Referrer, UserAgent: v.UserAgent,
	})
	if err != nil {
		return err
	}
	p, err := s.opts.Store.Visitor(c.UserContext(), a.Site, conv.VisitorID)
	if err != nil && !chat.IsCode(err, chat.CodeNotFound) {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"conversation": viewConversation(conv, p, false)})
}
