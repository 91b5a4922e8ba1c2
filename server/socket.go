package server

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/gofiber/contrib/websocket"
	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// Keys the upgrade middleware leaves for the socket handler. Values are
// copied out of fiber.Ctx, whose buffers are reused after the upgrade.
const (
	localIP     = "kefu.ip"
	localOrigin = "kefu.origin"
	localBearer = "kefu.bearer"
	localUA     = "kefu.ua"
)

// upgrade admits websocket upgrades while the server is not draining.
func (s *Server) upgrade(c *fiber.Ctx) error {
	if !websocket.IsWebSocketUpgrade(c) {
		return fiber.ErrUpgradeRequired
	}
	if s.draining.Load() {
		return chat.Errorf(chat.CodeUnavailable, "server shutting down; reconnect")
	}
	if !s.limits.ip.allow(s.clientIP(c), s.opts.Now()) {
		return rateLimited(time.Second, "too many connections; slow down")
	}
	c.Locals(localIP, s.clientIP(c))
	c.Locals(localOrigin, strings.Clone(c.Get(fiber.HeaderOrigin)))
	c.Locals(localBearer, strings.Clone(bearer(c)))
	c.Locals(localUA, strings.Clone(c.Get(fiber.HeaderUserAgent)))
	return c.Next()
}

// serveSocket runs one websocket: authentication, then the read loop.
func (s *Server) serveSocket(ws *websocket.Conn) {
	c := &conn{
		id:     chat.NewID(),
		s:      s,
		ws:     ws,
		ip:     ws.Locals(localIP).(string),
		origin: ws.Locals(localOrigin).(string),
		ua:     ws.Locals(localUA).(string),
		send:   make(chan []byte, s.opts.Limits.SendQueue),
		done:   make(chan struct{}),
	}
	ws.SetReadLimit(s.opts.Limits.MaxFrameBytes)
	finished := make(chan struct{})
	go c.writeLoop(finished)
	defer func() {
		c.close(closeGoingAway, "")
		s.hub.unregister(c)
		<-finished
	}()

	if err := s.authenticate(c, ws.Locals(localBearer).(string)); err != nil {
		return
	}
	pongWait := s.opts.Limits.PongWait
	_ = ws.SetReadDeadline(time.Now().Add(pongWait))
	ws.SetPongHandler(func(string) error { return ws.SetReadDeadline(time.Now().Add(pongWait)) })
	for {
		_, data, err := ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.close(1009, "frame too big")
			}
			return
		}
		_ = ws.SetReadDeadline(time.Now().Add(pongWait))
		select {
		case <-c.done:
			return
		default:
		}
		s.handleFrame(c, data)
	}
}

// authenticate reads the auth frame (unless the upgrade carried an agent's
// bearer token), checks the token and origin, and registers the socket.
func (s *Server) authenticate(c *conn, headerToken string) error {
	fail := func(code int, err error) error {
		c.enqueue(errorFrame(err, "", ""))
		c.close(code, chat.ErrorMessage(err))
		return err
	}
	token := headerToken
	// An agent's inbox says in its auth frame whether the agent is away,
	// so that the agent never looks online for a moment on reconnecting.
	status := chat.PresenceOnline
	if token == "" {
		_ = c.ws.SetReadDeadline(time.Now().Add(s.opts.Limits.AuthTimeout))
		_, data, err := c.ws.ReadMessage()
		if err != nil {
			if errors.Is(err, websocket.ErrReadLimit) {
				c.close(1009, "frame too big")
				return err
			}
			return fail(closeAuthFailed, chat.Errorf(chat.CodeUnauthorized, "no auth frame in time"))
		}
		f, err := decodeFrame(data)
		if err != nil {
			return fail(closePolicy, err)
		}
		if f.Type != "auth" {
			return fail(closeAuthFailed, chat.Errorf(chat.CodeUnauthorized, "the first frame must be auth"))
		}
		token = f.Token
		if f.Status != "" {
			status = f.Status
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if vc, err := s.opts.Issuer.ParseVisitor(token); err == nil {
		site, err := s.site(ctx, vc.Site)
		if err != nil {
			return fail(closeAuthFailed, chat.Errorf(chat.CodeUnauthorized, "site not found"))
		}
		if !s.originAllowed(site, c.origin) {
			return fail(closeForbidden, chat.Errorf(chat.CodeForbidden, "origin not allowed for this site"))
		}
		c.role, c.sites, c.visitorID, c.actorSite = roleVisitor, []string{site.Key}, vc.VisitorID, site.Key
		convs, err := s.opts.Service.List(ctx, c.actor(""), chat.ConversationFilter{Limit: 20})
		if err != nil {
			return fail(closeGoingAway, err)
		}
		views := []conversationView{}
		for i := range convs {
			if convs[i].Status != chat.StatusResolved {
				views = append(views, viewConversation(&convs[i], nil, true))
			}
		}
		ready := encode(outFrame{Type: "ready", Role: roleVisitor, Site: site.Key, VisitorID: vc.VisitorID,
			AgentsOnline: ptr(s.hub.presence.online(site.Key)), Conversations: &views})
		if err := s.hub.register(c, ready); err != nil {
			return fail(closeGoingAway, chat.Wrap(chat.CodeUnavailable, err, "bus unavailable"))
		}
		return nil
	}
	ac, err := s.opts.Issuer.ParseAccess(token)
	if err != nil {
		return fail(closeAuthFailed, chat.Errorf(chat.CodeUnauthorized, "invalid or expired token"))
	}
	if err := s.sessionLive(ctx, ac); err != nil {
		return fail(closeAuthFailed, err)
	}
	if c.origin != "" && c.origin != s.origin {
		return fail(closeForbidden, chat.Errorf(chat.CodeForbidden, "the inbox socket accepts only kefu's own origin"))
	}
	agent, err := s.opts.Store.Agent(ctx, ac.AgentID)
	if err != nil || agent.Disabled {
		return fail(closeAuthFailed, chat.Errorf(chat.CodeUnauthorized, "agent not found or disabled"))
	}
	if must, err := chat.MustEnrol(ctx, s.site, agent); err != nil || must {
		if err == nil {
			err = errMustEnrol
		}
		return fail(closeForbidden, err)
	}
	c.role, c.sites, c.agent, c.presence = roleAgent, agent.Sites, agent, status
	c.login.Store(&ac)
	ready := encode(outFrame{Type: "ready", Role: roleAgent, AgentID: agent.ID, Sites: agent.Sites})
	if err := s.hub.register(c, ready); err != nil {
		return fail(closeGoingAway, chat.Wrap(chat.CodeUnavailable, err, "bus unavailable"))
	}
	return nil
}
