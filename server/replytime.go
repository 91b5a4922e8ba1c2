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
	now   func() time.Time
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

// minutes returns the site's usual time to a first reply in whole minutes,
// rounded up, or 0 when too few chats were answered to say.
func (r *replyTimes) minutes(ctx context.Context, st chat.ConversationStore, site string) (int, error) {
	r.mu.Lock()
	rt, ok := r.sites[site]
	r.mu.Unlock()
	if ok && r.now().Sub(rt.at) < replyTTL {
		return rt.minutes, nil
	}
	list, err := st.ListConversations(ctx, chat.ConversationFilter{Site: site, Limit: replySample})
	if err != nil {
		return 0, err
	}
	var waits []time.Duration
	for _, c := range list {
		if c.Kind == chat.KindChat && !c.FirstReplyAt.IsZero() && c.FirstReplyAt.After(c.CreatedAt) {
			waits = append(waits, c.FirstReplyAt.Sub(c.CreatedAt))
		}
	}
	rt = replyTime{at: r.now()}
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
