package server

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/live"
)

// hub knows this node's sockets by site, subscribes to a site's events on
// the bus while it has sockets of that site, and routes each event to the
// sockets that may see it.
type hub struct {
	s        *Server
	mu       sync.Mutex
	sites    map[string]*siteConns
	all      map[*conn]struct{}
	presence *presence
	// live is this node's visitors with a widget socket, in memory only.
	live *live.Registry
	// reportMu orders this node's presence reports; reported is the last
	// one on each site (see report).
	reportMu sync.Mutex
	reported map[string]map[string]chat.Presence
	gaps     gaps
	stopped  chan struct{}
	wg       sync.WaitGroup
}

type siteConns struct {
	conns       map[*conn]struct{}
	unsubscribe func()
}

func newHub(s *Server) *hub {
	return &hub{
		s:        s,
		sites:    make(map[string]*siteConns),
		all:      make(map[*conn]struct{}),
		presence: newPresence(s.opts.Node, s.opts.Now),
		live:     live.New(s.opts.Now),
		reported: make(map[string]map[string]chat.Presence),
		stopped:  make(chan struct{}),
	}
}

// start subscribes to presence, begins the presence heartbeat, and
// follows the bus's gaps.
func (h *hub) start() error {
	if g, ok := h.s.opts.Bus.(chat.GapNotifier); ok {
		g.OnGap(h.onGap)
	}
	unsub, err := h.s.opts.Bus.Subscribe(presenceSubject, h.onPresence)
	if err != nil {
		return err
	}
	unsubFAQ, err := h.s.opts.Bus.Subscribe(chat.FAQSubject, h.s.faqTops.onFAQEvent)
	if err != nil {
		unsub()
		return err
	}
	unsubAgents, err := h.s.opts.Bus.Subscribe(chat.AgentsSubject, h.onAgentChange)
	if err != nil {
		unsub()
		unsubFAQ()
		return err
	}
	unsubLive, err := h.s.opts.Bus.Subscribe(liveAskSubject, h.onLiveAsk)
	if err != nil {
		unsub()
		unsubFAQ()
		unsubAgents()
		return err
	}
	h.wg.Add(1)
	go func() {
		defer h.wg.Done()
		defer unsubLive()
		defer unsub()
		defer unsubFAQ()
		defer unsubAgents()
		t := time.NewTicker(presenceHeartbeat)
		defer t.Stop()
		for {
			select {
			case <-h.stopped:
				return
			case <-t.C:
				h.heartbeat()
				h.live.Prune()
			}
		}
	}()
	return nil
}

func (h *hub) stop() {
	select {
	case <-h.stopped:
	default:
		close(h.stopped)
	}
	h.wg.Wait()
}

// register adds c to its sites and queues first, its ready frame, before
// any event can reach it; an agent's socket then gets the presence of the
// agents of each of its sites. It fails when the bus cannot subscribe.
func (h *hub) register(c *conn, first []byte) error {
	if err := h.add(c, first); err != nil {
		return err
	}
	if c.role == roleAgent {
		h.report(c.sites, false)
	}
	return nil
}

func (h *hub) add(c *conn, first []byte) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	c.enqueue(first)
	h.all[c] = struct{}{}
	if c.role == roleVisitor {
		h.live.Join(c.actorSite, c.visitorID, c.ua)
	}
	h.s.metrics.connections.WithLabelValues(c.role).Inc()
	for _, site := range c.sites {
		sc := h.sites[site]
		if sc == nil {
			sc = &siteConns{conns: make(map[*conn]struct{})}
			unsub, err := h.s.opts.Bus.Subscribe(chat.SiteSubject(site), func(data []byte) { h.onEvent(site, data) })
			if err != nil {
				return err
			}
			sc.unsubscribe = unsub
			h.sites[site] = sc
		}
		sc.conns[c] = struct{}{}
		if c.role == roleAgent {
			c.enqueue(h.agentsFrame(site))
		}
	}
	return nil
}

func (h *hub) unregister(c *conn) {
	if h.remove(c) && c.role == roleAgent {
		h.report(c.sites, false)
	}
}

// remove takes c out of its sites, and tells whether it was there.
func (h *hub) remove(c *conn) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if _, ok := h.all[c]; !ok {
		return false
	}
	delete(h.all, c)
	if c.role == roleVisitor {
		h.live.Leave(c.actorSite, c.visitorID)
	}
	h.s.metrics.connections.WithLabelValues(c.role).Dec()
	for _, site := range c.sites {
		sc := h.sites[site]
		if sc == nil {
			continue
		}
		delete(sc.conns, c)
		if len(sc.conns) == 0 {
			sc.unsubscribe()
			delete(h.sites, site)
		}
	}
	return true
}

// onAgentChange closes this node's sockets of an agent whose account
// changed: they reconnect with a fresh token, which a disabled agent
// cannot get.
func (h *hub) onAgentChange(data []byte) {
	var e chat.Event
	if json.Unmarshal(data, &e) != nil || e.AgentID == "" {
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.all {
		if c.agent != nil && c.agent.ID == e.AgentID {
			c.close(closeAuthFailed, "your account changed; log in again")
		}
	}
}

// closeAll closes every socket with a reconnect code and waits, within
// ctx, for them to go.
func (h *hub) closeAll(ctx context.Context) {
	h.mu.Lock()
	for c := range h.all {
		c.close(closeGoingAway, "server shutting down")
	}
	h.mu.Unlock()
	for {
		h.mu.Lock()
		n := len(h.all)
		h.mu.Unlock()
		if n == 0 {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// onEvent routes a site event to this node's sockets. It runs on the bus's
// goroutine, so it only encodes and enqueues.
func (h *hub) onEvent(site string, data []byte) {
	var e chat.Event
	if err := json.Unmarshal(data, &e); err != nil || e.Site != site {
		h.s.log.Warn("bad event on bus", "site", site, "err", err)
		return
	}
	if e.Type == chat.EventSite {
		h.siteChanged(site)
		return
	}
	forAgents, forVisitor := h.framesFor(e)
	h.mu.Lock()
	defer h.mu.Unlock()
	sc := h.sites[site]
	if sc == nil {
		return
	}
	for c := range sc.conns {
		if c.id == e.Origin && e.Type != chat.EventConversation && e.Type != chat.EventStatus {
			continue
		}
		switch {
		case c.role == roleAgent && forAgents != nil:
			c.enqueue(forAgents)
		case c.role == roleVisitor && forVisitor != nil && c.visitorID == e.VisitorID:
			c.enqueue(forVisitor)
		}
	}
}

// settingsFrame tells a widget that its site's settings changed.
var settingsFrame = encode(outFrame{Type: "settings"})

// siteChanged drops this node's copy of a site whose settings changed, and
// tells the site's open widgets to fetch their configuration again.
func (h *hub) siteChanged(site string) {
	h.s.sites.forget(site)
	h.toVisitors(site, settingsFrame)
	// Off the bus's goroutine: it reads the site from the store.
	go h.closeUnenrolled(site)
}

// closeUnenrolled closes, when the site requires two-factor login, the
// sockets of its agents who log in without it: they may only enrol now.
func (h *hub) closeUnenrolled(site string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if st, err := h.s.site(ctx, site); err != nil || !st.RequireTwoFactor {
		return
	}
	var suspects []*conn
	h.mu.Lock()
	if sc := h.sites[site]; sc != nil {
		for c := range sc.conns {
			if c.role == roleAgent && c.agent != nil && !c.agent.TwoFactor() {
				suspects = append(suspects, c)
			}
		}
	}
	h.mu.Unlock()
	// The agent as the socket saw it at connect may have enrolled since.
	for _, c := range suspects {
		if a, err := h.s.opts.Store.Agent(ctx, c.agent.ID); err == nil && !a.TwoFactor() {
			c.close(closeForbidden, "this site requires two-factor login: turn it on first")
		}
	}
}

// toVisitors enqueues a frame for every visitor socket of the site on this
// node.
func (h *hub) toVisitors(site string, frame []byte) { h.toRole(site, roleVisitor, frame) }

// toRole enqueues a frame for every socket of role of the site on this
// node.
func (h *hub) toRole(site, role string, frame []byte) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if sc := h.sites[site]; sc != nil {
		for c := range sc.conns {
			if c.role == role {
				c.enqueue(frame)
			}
		}
	}
}

// framesFor encodes what agents and the conversation's visitor are told of
// an event; nil means they are not told.
func (h *hub) framesFor(e chat.Event) (agents, visitor []byte) {
	switch e.Type {
	case chat.EventMessage:
		if e.Message == nil {
			return nil, nil
		}
		agents = encode(outFrame{Type: "message", Message: h.s.viewMessage(e.Message)})
		visitor = agents
		if e.Message.Private {
			p := e.Message.Placeholder()
			visitor = encode(outFrame{Type: "message", Message: h.s.viewMessage(&p)})
		}
	case chat.EventConversation:
		if e.Conversation == nil {
			return nil, nil
		}
		vv := viewConversation(e.Conversation, nil, true)
		if e.Invite {
			return nil, encode(outFrame{Type: "invite", Conversation: &vv})
		}
		v := viewConversation(e.Conversation, nil, false)
		agents = encode(outFrame{Type: "conversation", Conversation: &v})
		visitor = encode(outFrame{Type: "conversation", Conversation: &vv})
	case chat.EventStatus:
		agents = encode(outFrame{Type: "status", ConversationID: e.ConversationID, Status: e.Status})
		visitor = agents
	case chat.EventTyping, chat.EventRead:
		if e.Author == nil {
			return nil, nil
		}
		f := outFrame{Type: string(e.Type), ConversationID: e.ConversationID, Author: &chat.Author{Type: e.Author.Type, Name: e.Author.Name}}
		if e.Type == chat.EventTyping {
			f.Typing = ptr(e.Typing)
		} else {
			f.Seq = e.Seq
		}
		b := encode(f)
		if e.Author.Type == chat.AuthorVisitor {
			agents = b
		} else {
			// Agents learn which agent it is, to tell another agent
			// typing (a collision hint) from their own other tab.
			visitor = b
			f.Author.ID = e.Author.ID
			agents = encode(f)
		}
	case chat.EventViewing:
		if e.Author == nil {
			return nil, nil
		}
		agents = encode(outFrame{Type: "viewing", ConversationID: e.ConversationID, Author: e.Author, Viewing: ptr(e.Viewing)})
	}
	return agents, visitor
}

// resyncFrame tells a client that events may have been lost, so that it
// catches up as after a reconnect.
var resyncFrame = encode(outFrame{Type: "resync"})

// resyncEvery is the most often one site's sockets (or all of them) are
// told to resync: NATS reports a slow consumer again at every overflow, and
// each resync makes every client fetch from the database.
const resyncEvery = time.Second

// gaps coalesces the bus's gap reports per subject.
type gaps struct {
	mu      sync.Mutex
	last    map[string]time.Time // when each subject's sockets were last told
	pending map[string]bool      // a resync is due at the end of the window
}

// onGap tells the sockets of the site whose events the bus may have lost,
// or every socket when subject is empty, to catch up from the store: at
// once, or if they were told less than resyncEvery ago, once more when
// that time is up, so that the last loss is covered too.
func (h *hub) onGap(subject string) {
	select {
	case <-h.stopped:
		return
	default:
	}
	g := &h.gaps
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.last == nil {
		g.last, g.pending = map[string]time.Time{}, map[string]bool{}
	}
	wait := resyncEvery - time.Since(g.last[subject])
	if wait <= 0 {
		g.last[subject] = time.Now()
		h.resync(subject)
		return
	}
	if g.pending[subject] {
		return
	}
	g.pending[subject] = true
	time.AfterFunc(wait, func() {
		g.mu.Lock()
		delete(g.pending, subject)
		g.last[subject] = time.Now()
		g.mu.Unlock()
		h.resync(subject)
	})
}

// resync sends resyncFrame to the sockets of subject's site, or to all.
func (h *hub) resync(subject string) {
	select {
	case <-h.stopped:
		return
	default:
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if subject == "" {
		for c := range h.all {
			c.enqueue(resyncFrame)
		}
		return
	}
	site, ok := strings.CutPrefix(subject, chat.SiteSubject(""))
	if sc := h.sites[site]; ok && sc != nil {
		for c := range sc.conns {
			c.enqueue(resyncFrame)
		}
	}
}

// visitorConnected reports whether the visitor has a socket open on this
// node.
func (h *hub) visitorConnected(site, visitorID string) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	if sc := h.sites[site]; sc != nil {
		for c := range sc.conns {
			if c.role == roleVisitor && c.visitorID == visitorID {
				return true
			}
		}
	}
	return false
}
