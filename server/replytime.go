package server

import (
	"context"
	"slices"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
)

const (
	// replySample is how many of a site's latest conversations the typical
	// reply time is taken from, and replyMinSample how many of them must
	// have been answered for it to be shown at all.
	replySample    = 200
	replyMinSample = 5
	// replyTTL is how long a site's figure is kept.
	replyTTL = 5 * time.Minute
)

// replyTimes keeps, per site, how long agents usually take to answer a
// new chat: the median time to the first reply of the answered chats among
// the site's replySample conversations with the latest activity, which
// the widget shows as "usually replies in N min".
type replyTimes struct {
	now func() time.Time
	// build lets one request at a time read a site's conversations: the
	// widget's config, which carries the figure, is fetched on every page
	// view of the site, and the others wait and take what it found.
	build sync.Mutex
	mu    sync.Mutex
	sites map[string]replyTime
}

type replyTime struct {
	at      time.Time
	minutes int // 0: too few answered chats to say
}

func newReplyTimes(now func() time.Time) *replyTimes {
	return &replyTimes{now: now, sites: map[string]replyTime{}}
}

// cached returns a site's figure while it is fresh.
func (r *replyTimes) cached(site string) (replyTime, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt, ok := r.sites[site]
	return rt, ok && r.now().Sub(rt.at) < replyTTL
}

// minutes returns the site's usual time to a first reply in whole minutes,
// rounded up, or 0 when too few chats were answered to say. A failed read
// keeps the last figure for another replyTTL, so that a failing database is
// not asked again on every page view.
func (r *replyTimes) minutes(ctx context.Context, st chat.ConversationStore, site string) (int, error) {
	if rt, fresh := r.cached(site); fresh {
		return rt.minutes, nil
	}
	r.build.Lock()
	defer r.build.Unlock()
	if rt, fresh := r.cached(site); fresh { // read while this one waited
		return rt.minutes, nil
	}
	list, err := st.ListConversations(ctx, chat.ConversationFilter{Site: site, Limit: replySample})
	if err != nil {
		r.mu.Lock()
		last := r.sites[site]
		r.sites[site] = replyTime{at: r.now(), minutes: last.minutes}
		r.mu.Unlock()
		return last.minutes, err
	}
	var waits []time.Duration
	for _, c := range list {
		if c.Kind == chat.KindChat && !c.FirstReplyAt.IsZero() && c.FirstReplyAt.After(c.CreatedAt) {
			waits = append(waits, c.FirstReplyAt.Sub(c.CreatedAt))
		}
	}
	rt := replyTime{at: r.now()}
	if len(waits) >= replyMinSample {
		slices.Sort(waits)
		median := waits[len(waits)/2]
		rt.minutes = max(1, int((median+time.Minute-1)/time.Minute))
	}
	r.mu.Lock()
	r.sites[site] = rt
	r.mu.Unlock()
	return rt.minutes, nil
}
