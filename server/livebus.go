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

// Live visitors are kept in memory by the node that holds each visitor's
// socket (live.Registry). A node asked about a site's live visitors asks
// every node over the bus and merges the answers: it publishes a liveAsk on
// liveAskSubject naming a reply subject of its own, and collects liveReplies
// for liveAskWait. Nothing is sent while no agent asks.
const (
	liveAskSubject = "kefu.live.ask"
	liveReplyPfx   = "kefu.live.reply."
	// liveAskWait is how long the asking node collects other nodes'
	// answers. With the in-process bus there are no other nodes, and the
	// answer is at once.
	liveAskWait = 300 * time.Millisecond
	// liveListMax is the most visitors one node reports for a site, and
	// the most a listing shows.
	liveListMax = 200
	// liveReplyMax bounds the reports one ask collects, whatever other
	// nodes send.
	liveReplyMax = 64
)

type liveAsk struct {
	Node      string `json:"node"`
	Site      string `json:"site"`
	VisitorID string `json:"visitor_id,omitempty"`
	Reply     string `json:"reply"`
}

type liveReply struct {
	Visitors []live.Visitor `json:"visitors"`
}

// local is what this node knows: one visitor (with the whole trail), or
// the site's online visitors (each with their current page).
func (h *hub) local(site, visitorID string) []live.Visitor {
	if visitorID == "" {
		return h.live.List(site, liveListMax)
	}
	if v, ok := h.live.Get(site, visitorID); ok {
		return []live.Visitor{v}
	}
	return nil
}

// onLiveAsk answers another node's ask with what this node knows.
func (h *hub) onLiveAsk(data []byte) {
	var q liveAsk
	if json.Unmarshal(data, &q) != nil || q.Node == h.s.opts.Node || !chat.ValidKey(q.Site) ||
		(q.VisitorID != "" && !chat.ValidKey(q.VisitorID)) || !strings.HasPrefix(q.Reply, liveReplyPfx) {
		return
	}
	vs := h.local(q.Site, q.VisitorID)
	if len(vs) == 0 {
		return
	}
	b, err := json.Marshal(liveReply{Visitors: vs})
	if err != nil {
		return
	}
	// Off the bus's goroutine, which must not block.
	go func() {
		ctx, cancel := context.WithTimeout(context.Background(), liveAskWait)
		defer cancel()
		if err := h.s.opts.Bus.Publish(ctx, q.Reply, b); err != nil {
			h.s.log.Warn("publish live visitors", "err", err)
		}
	}()
}

// liveVisitors returns a site's live visitors, or what is known of one
// visitor, from every node.
func (h *hub) liveVisitors(ctx context.Context, site, visitorID string) ([]live.Visitor, error) {
	found := h.local(site, visitorID)
	// Only a bus that reaches other nodes (NATS, which can also lose
	// messages) is asked; the in-process one serves this node alone.
	if _, multi := h.s.opts.Bus.(chat.GapNotifier); !multi {
		return live.Merge(found), nil
	}
	var mu sync.Mutex
	replies := 0
	reply := liveReplyPfx + chat.NewID()
	unsub, err := h.s.opts.Bus.Subscribe(reply, func(data []byte) {
		var r liveReply
		if json.Unmarshal(data, &r) != nil {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		if replies++; replies > liveReplyMax {
			return
		}
		for _, v := range r.Visitors {
			if v.Site == site && (visitorID == "" || v.VisitorID == visitorID) {
				found = append(found, v)
			}
		}
	})
	if err != nil {
		return nil, chat.Wrap(chat.CodeUnavailable, err, "bus unavailable")
	}
	defer unsub()
	q, _ := json.Marshal(liveAsk{Node: h.s.opts.Node, Site: site, VisitorID: visitorID, Reply: reply})
	if err := h.s.opts.Bus.Publish(ctx, liveAskSubject, q); err != nil {
		return nil, chat.Wrap(chat.CodeUnavailable, err, "bus unavailable")
	}
	select {
	case <-time.After(liveAskWait):
	case <-ctx.Done():
	}
	unsub()
	mu.Lock()
	defer mu.Unlock()
	out := live.Merge(found)
	if visitorID == "" {
		out = onlineOnly(out, liveListMax)
	}
	return out, nil
}

// onlineOnly keeps up to n visitors that are online.
func onlineOnly(vs []live.Visitor, n int) []live.Visitor {
	out := vs[:0]
	for _, v := range vs {
		if v.Online && len(out) < n {
			out = append(out, v)
		}
	}
	return out
}
