package server

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
)

// presenceSubject carries every node's count of online agents per site, so
// that each node can tell its visitors whether anyone is there to answer.
const presenceSubject = "kefu.presence"

// Each node repeats its counts on this beat; a node silent for
// presenceExpiry is taken to be gone.
const (
	presenceHeartbeat = 15 * time.Second
	presenceExpiry    = 45 * time.Second
)

type presence struct {
	node string
	now  func() time.Time
	mu   sync.Mutex
	// counts[site][node] is a node's last reported count of agents.
	counts map[string]map[string]presenceEntry
}

type presenceEntry struct {
	agents int
	at     time.Time
}

func newPresence(node string, now func() time.Time) *presence {
	return &presence{node: node, now: now, counts: make(map[string]map[string]presenceEntry)}
}

// online reports whether any node has an agent of site online.
func (p *presence) online(site string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.onlineLocked(site)
}

func (p *presence) onlineLocked(site string) bool {
	now := p.now()
	for node, e := range p.counts[site] {
		if e.agents > 0 && (node == p.node || now.Sub(e.at) < presenceExpiry) {
			return true
		}
	}
	return false
}

// update records a node's count and reports whether the site's online
// state changed.
func (p *presence) update(site, node string, agents int) (changed, online bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	before := p.onlineLocked(site)
	m := p.counts[site]
	if m == nil {
		m = make(map[string]presenceEntry)
		p.counts[site] = m
	}
	if agents == 0 {
		delete(m, node)
		if len(m) == 0 {
			delete(p.counts, site)
		}
	} else {
		m[node] = presenceEntry{agents: agents, at: p.now()}
	}
	after := p.onlineLocked(site)
	return before != after, after
}

// announce publishes this node's agent count for site. Callers must not
// hold h.mu: the in-process bus delivers to onPresence at once.
func (h *hub) announce(site string, agents int) {
	data, _ := json.Marshal(chat.Event{Type: chat.EventPresence, Site: site, Node: h.s.opts.Node, Agents: agents})
	if err := h.s.opts.Bus.Publish(context.Background(), presenceSubject, data); err != nil {
		h.s.log.Warn("publish presence", "site", site, "err", err)
	}
}

// heartbeat repeats this node's counts.
func (h *hub) heartbeat() {
	counts := make(map[string]int)
	h.mu.Lock()
	for site, sc := range h.sites {
		if sc.agents > 0 {
			counts[site] = sc.agents
		}
	}
	h.mu.Unlock()
	for site, n := range counts {
		h.announce(site, n)
	}
}

// onPresence applies another node's (or this node's) count, and tells this
// node's visitors of that site when the site goes online or offline.
func (h *hub) onPresence(data []byte) {
	var e chat.Event
	if err := json.Unmarshal(data, &e); err != nil || !chat.ValidKey(e.Site) || e.Node == "" {
		return
	}
	changed, online := h.presence.update(e.Site, e.Node, e.Agents)
	if !changed {
		return
	}
	h.toVisitors(e.Site, encode(outFrame{Type: "presence", AgentsOnline: ptr(online)}))
}
