package server

import (
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Limits bound what one visitor, IP or site may do.
type Limits struct {
	MaxFrameBytes int64         // largest websocket frame
	SendQueue     int           // frames queued per socket before it is dropped
	AuthTimeout   time.Duration // time to send the auth frame
	PingInterval  time.Duration
	PongWait      time.Duration
	VisitorPer10s int // frames per visitor per 10 s
	IPPer10s      int // frames and widget requests per IP per 10 s
	// SitePer10s is the frames all of one site's sockets may send per 10
	// s; 0, the default, sets no such budget: a few visitors within their
	// own limits could otherwise use it up and silence everyone else.
	SitePer10s     int
	RefusedToClose int // refused frames in a row before the socket closes
	LoginPerMinute int // login attempts per IP per minute
	// LoginPerAccount is how many login attempts one account takes per 10
	// minutes, from any number of addresses: half of them at once, then
	// one every 10 minutes / LoginPerAccount.
	LoginPerAccount int
}

func (l Limits) withDefaults() Limits {
	def := Limits{
		MaxFrameBytes:  64 << 10,
		SendQueue:      256,
		AuthTimeout:    10 * time.Second,
		PingInterval:   25 * time.Second,
		PongWait:       60 * time.Second,
		VisitorPer10s:  20,
		IPPer10s:       120,
		RefusedToClose: 10,
		LoginPerMinute: 10,
		// 5 at once, then one a minute: a guesser with many addresses
		// gets 1,440 tries a day instead of millions.
		LoginPerAccount: 10,
	}
	or(&l.MaxFrameBytes, def.MaxFrameBytes)
	or(&l.SendQueue, def.SendQueue)
	or(&l.AuthTimeout, def.AuthTimeout)
	or(&l.PingInterval, def.PingInterval)
	or(&l.PongWait, def.PongWait)
	or(&l.VisitorPer10s, def.VisitorPer10s)
	or(&l.IPPer10s, def.IPPer10s)
	or(&l.LoginPerAccount, def.LoginPerAccount)
	or(&l.RefusedToClose, def.RefusedToClose)
	or(&l.LoginPerMinute, def.LoginPerMinute)
	return l
}

// limiterSet holds one token bucket per key, and forgets keys idle for
// longer than a bucket takes to refill, so that it stays bounded.
type limiterSet struct {
	mu      sync.Mutex
	every   rate.Limit
	burst   int
	idle    time.Duration
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// or sets *v to d when *v is not positive.
func or[T int | int64 | time.Duration](v *T, d T) {
	if *v <= 0 {
		*v = d
	}
}

func newLimiterSet(n int, per time.Duration) *limiterSet {
	burst := n / 2
	if burst < 1 {
		burst = 1
	}
	return &limiterSet{
		every:   rate.Limit(float64(n) / per.Seconds()),
		burst:   burst,
		idle:    2 * per,
		buckets: make(map[string]*bucket),
	}
}

func (l *limiterSet) allow(key string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > l.idle {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > l.idle {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{lim: rate.NewLimiter(l.every, l.burst)}
		// Keys may come from Fiber's reused buffers (c.IP()); the map
		// keeps them, so it keeps a copy.
		l.buckets[strings.Clone(key)] = b
	}
	b.seen = now
	return b.lim.AllowN(now, 1)
}

// perRate holds a limiterSet for each rate of a limit that sites set
// each their own: a key's bucket is in the set of its site's rate of the
// moment, so a changed rate starts full buckets.
type perRate struct {
	mu   sync.Mutex
	per  time.Duration
	sets map[int]*limiterSet // bounded by the range a site may set
}

func (p *perRate) allow(n int, key string, now time.Time) bool {
	p.mu.Lock()
	l := p.sets[n]
	if l == nil {
		l = newLimiterSet(n, p.per)
		// All n at once, not half: "n an hour" is what the owner set,
		// and what a visitor sees at first.
		l.burst = n
		p.sets[n] = l
	}
	p.mu.Unlock()
	return l.allow(key, now)
}

type limiters struct {
	visitor, ip, site, login, account *limiterSet
	uploads                           *perRate    // files per visitor per hour, at their site's rate
	uploadsIP                         *limiterSet // files per IP per hour
}

func newLimiters(l Limits) *limiters {
	return &limiters{
		visitor:   newLimiterSet(l.VisitorPer10s, 10*time.Second),
		ip:        newLimiterSet(l.IPPer10s, 10*time.Second),
		site:      siteLimits(l.SitePer10s),
		login:     newLimiterSet(l.LoginPerMinute, time.Minute),
		account:   newLimiterSet(l.LoginPerAccount, 10*time.Minute),
		uploads:   &perRate{per: time.Hour, sets: map[int]*limiterSet{}},
		uploadsIP: newLimiterSet(uploadsPerIPHour, time.Hour),
	}
}

// siteLimits is the per-site budget, or nil for none.
func siteLimits(n int) *limiterSet {
	if n <= 0 {
		return nil
	}
	return newLimiterSet(n, 10*time.Second)
}
