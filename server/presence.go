package server

import (
	"context"
	"encoding/json"
	"maps"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
)

// presenceSubject carries every node's report on the agents of each site
// (see chat.Event, EventPresence), so that each node can tell its
// visitors whether anyone is there to answer, and its agents who is.
const presenceSubject = "kefu.presence"

// Each node repeats its reports on this beat; a node silent for
// presenceExpiry is taken to be gone.
const (
	presenceHeartbeat = 15 * time.Second
	presenceExpiry    = 45 * time.Second
)

// presence holds the last report of every node, per site.
type presence struct {
	node string
	now  func() time.Time
	mu   sync.Mutex
	// reports[site][node] is a node's last report on a site's agents.
	reports map[string]map[string]presenceReport
}

// presenceReport is one node's word on a site's agents: how many are
// online there, and the presence of each agent with a socket there. A node
// of an older kefu sends the count alone, of every connected agent.
type presenceReport struct {
	online int
	agents map[string]chat.Presence
	at     time.Time
}

func newPresence(node string, now func() time.Time) *presence {
	return &presence{node: node, now: now, reports: make(map[string]map[string]presenceReport)}
}

// online reports whether any node has an agent of site online.
func (p *presence) online(site string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.onlineLocked(site)
}

func (p *presence) fresh(node string, r presenceReport) bool {
	return node == p.node || p.now().Sub(r.at) < presenceExpiry
}

func (p *presence) onlineLocked(site string) bool {
	for node, r := range p.reports[site] {
		if r.online > 0 && p.fresh(node, r) {
			return true
		}
	}
	return false
}

// agents is the presence of each agent of site with a socket on any
// node: the most available one when they have several.
func (p *presence) agents(site string) map[string]chat.Presence {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.agentsLocked(site)
}

func (p *presence) agentsLocked(site string) map[string]chat.Presence {
	out := make(map[string]chat.Presence)
	for node, r := range p.reports[site] {
		if !p.fresh(node, r) {
			continue
		}
		for id, pr := range r.agents {
			if old, ok := out[id]; ok {
				pr = old.Most(pr)
			}
			out[id] = pr
		}
	}
	return out
}

// update records a node's report and tells whether the site's online
// state or its agents' presence changed.
func (p *presence) update(site, node string, r presenceReport) (onlineChanged, online, agentsChanged bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	before, beforeAgents := p.onlineLocked(site), p.agentsLocked(site)
	m := p.reports[site]
	if m == nil {
		m = make(map[string]presenceReport)
		p.reports[site] = m
	}
	if r.online == 0 && len(r.agents) == 0 {
		delete(m, node)
	} else {
		r.at = p.now()
		m[node] = r
	}
	// A silent node's report counts for nothing; it goes here.
	maps.DeleteFunc(m, func(n string, r presenceReport) bool { return !p.fresh(n, r) })
	if len(m) == 0 {
		delete(p.reports, site)
	}
	after := p.onlineLocked(site)
	return before != after, after, !maps.Equal(beforeAgents, p.agentsLocked(site))
}

// agentsLocked is the presence of each agent of site with a socket on
// this node. The caller holds h.mu.
func (h *hub) agentsLocked(site string) map[string]chat.Presence {
	out := make(map[string]chat.Presence)
	sc := h.sites[site]
	if sc == nil {
		return out
	}
	for c := range sc.conns {
		if c.role != roleAgent {
			continue
		}
		pr := c.presence
		if old, ok := out[c.agent.ID]; ok {
			pr = old.Most(pr)
		}
		out[c.agent.ID] = pr
	}
	return out
}

// setPresence records the presence an agent's socket chose, and tells
// every node if that changes what this node reports.
func (h *hub) setPresence(c *conn, p chat.Presence) {
	h.mu.Lock()
	c.presence = p
	h.mu.Unlock()
	h.report(c.sites, false)
}

// report publishes this node's report on each of sites whose agents'
// presence changed since the last one, or on each of them when again is
// set (the heartbeat). Reports go out one at a time, so that no node hears
// an older one last. Callers must not hold h.mu: the in-process bus
// delivers to onPresence at once.
func (h *hub) report(sites []string, again bool) {
	h.reportMu.Lock()
	defer h.reportMu.Unlock()
	for _, site := range sites {
		h.mu.Lock()
		agents := h.agentsLocked(site)
		h.mu.Unlock()
		if !again && maps.Equal(agents, h.reported[site]) {
			continue
		}
		if len(agents) == 0 {
			delete(h.reported, site)
		} else {
			h.reported[site] = agents
		}
		online := 0
		for _, p := range agents {
			if p == chat.PresenceOnline {
				online++
			}
		}
		data, _ := json.Marshal(chat.Event{Type: chat.EventPresence, Site: site, Node: h.s.opts.Node, Agents: online, Presence: agents})
		if err := h.s.opts.Bus.Publish(context.Background(), presenceSubject, data); err != nil {
			h.s.log.Warn("publish presence", "site", site, "err", err)
		}
	}
}

// heartbeat repeats this node's reports.
func (h *hub) heartbeat() {
	h.reportMu.Lock()
	sites := make([]string, 0, len(h.reported))
	for site := range h.reported {
		sites = append(sites, site)
	}
	h.reportMu.Unlock()
	h.report(sites, true)
}

// onPresence applies another node's (or this node's) report. It tells
// this node's visitors of that site when the site goes online or offline,
// and its agents of that site when an agent's presence changed. The bus
// delivers reports one at a time: NATS on one goroutine per subscription,
// the in-process bus inside report, which sends one at a time.
func (h *hub) onPresence(data []byte) {
	var e chat.Event
	if err := json.Unmarshal(data, &e); err != nil || !chat.ValidKey(e.Site) || e.Node == "" {
		return
	}
	for id, p := range e.Presence {
		if !p.Valid() {
			delete(e.Presence, id)
		}
	}
	onlineChanged, online, agentsChanged := h.presence.update(e.Site, e.Node, presenceReport{online: e.Agents, agents: e.Presence})
	if onlineChanged {
		h.toVisitors(e.Site, encode(outFrame{Type: "presence", AgentsOnline: ptr(online)}))
	}
	if agentsChanged {
		h.toAgents(e.Site, h.agentsFrame(e.Site))
	}
}

// agentsFrame tells agents the presence of each agent of site.
func (h *hub) agentsFrame(site string) []byte {
	return encode(outFrame{Type: "presence", Site: site, Agents: ptr(h.presence.agents(site))})
}

// toAgents enqueues a frame for every agent socket of the site on this
// node.
func (h *hub) toAgents(site string, frame []byte) { h.toRole(site, roleAgent, frame) }
