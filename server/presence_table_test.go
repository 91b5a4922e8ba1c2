package server

import (
	"maps"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// The presence table merges the reports of nodes: an agent is as
// available as their most available socket, a silent node's report
// expires, and a node that sends a count alone still counts.
func TestPresenceTable(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	p := newPresence("n1", func() time.Time { return now })
	on, away, off := chat.PresenceOnline, chat.PresenceAway, chat.PresenceOffline
	report := func(online int, agents map[string]chat.Presence) presenceReport {
		return presenceReport{online: online, agents: agents}
	}
	steps := []struct {
		name        string
		node        string
		r           presenceReport
		advance     time.Duration
		wantChanged bool
		wantOnline  bool
		wantAgents  map[string]chat.Presence
		agentsMoved bool
	}{
		{name: "away here", node: "n1", r: report(0, map[string]chat.Presence{"a": away}),
			wantAgents: map[string]chat.Presence{"a": away}, agentsMoved: true},
		{name: "online there", node: "n2", r: report(1, map[string]chat.Presence{"a": on, "b": off}),
			wantChanged: true, wantOnline: true, wantAgents: map[string]chat.Presence{"a": on, "b": off}, agentsMoved: true},
		{name: "the same again", node: "n2", r: report(1, map[string]chat.Presence{"a": on, "b": off}),
			wantOnline: true, wantAgents: map[string]chat.Presence{"a": on, "b": off}},
		// Nobody is told when a node falls silent, but it counts no more.
		{name: "n2 falls silent", node: "n3", r: report(0, nil), advance: presenceExpiry,
			wantOnline: false, wantAgents: map[string]chat.Presence{"a": away}},
		{name: "an older node counts only", node: "n4", r: report(2, nil),
			wantChanged: true, wantOnline: true, wantAgents: map[string]chat.Presence{"a": away}},
		{name: "it leaves", node: "n4", r: report(0, nil),
			wantChanged: true, wantAgents: map[string]chat.Presence{"a": away}},
		{name: "this node's last agent leaves", node: "n1", r: report(0, nil),
			wantAgents: map[string]chat.Presence{}, agentsMoved: true},
	}
	for _, s := range steps {
		now = now.Add(s.advance)
		changed, online, moved := p.update("site", s.node, s.r)
		if changed != s.wantChanged || online != s.wantOnline || moved != s.agentsMoved {
			t.Errorf("%s: update = changed %v, online %v, agents moved %v; want %v, %v, %v",
				s.name, changed, online, moved, s.wantChanged, s.wantOnline, s.agentsMoved)
		}
		if got := p.agents("site"); !maps.Equal(got, s.wantAgents) {
			t.Errorf("%s: agents = %v, want %v", s.name, got, s.wantAgents)
		}
		if p.online("site") != s.wantOnline {
			t.Errorf("%s: online = %v", s.name, !s.wantOnline)
		}
	}
	if len(p.reports) != 0 {
		t.Errorf("reports left after everyone left: %v", p.reports)
	}
}
