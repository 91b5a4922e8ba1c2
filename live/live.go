// Package live keeps, in memory only, who is on a site now: the visitors
// with an open widget socket on this node, the pages they viewed in this
// visit, their language and time zone. Nothing here is written to a
// database: a page view costs a map update. Each node knows its own
// sockets; Merge combines what several nodes report about one visitor.
package live

import (
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Bounds on what one node keeps.
const (
	// MaxPages is the longest page trail kept per visitor; older pages go.
	MaxPages = 20
	// Grace is how long a visitor's trail outlives their last socket: a
	// visit is the pages viewed with gaps shorter than this, and a new page
	// after a navigation reconnects well within it.
	Grace = 30 * time.Minute
	// MaxVisitors is the most visitors one node keeps; past it, the one
	// gone longest is forgotten first.
	MaxVisitors = 20000
	// maxURL and maxTitle are in bytes: a title of 200 Chinese
	// characters fits.
	maxURL   = 1024
	maxTitle = 600
)

// Page is one page a visitor viewed.
type Page struct {
	URL   string    `json:"url"`
	Title string    `json:"title,omitempty"`
	At    time.Time `json:"at"`
}

// Visitor is what a node knows of a visitor on a site now.
type Visitor struct {
	Site      string `json:"site"`
	VisitorID string `json:"visitor_id"`
	// Online is true while the visitor has an open widget socket.
	Online bool `json:"online"`
	// Since is when this visit began; Seen when the visitor was last
	// connected (now, while online).
	Since time.Time `json:"since"`
	Seen  time.Time `json:"seen"`
	Lang  string    `json:"lang,omitempty"`
	// TimeZone is the browser's IANA zone, such as Asia/Shanghai, and
	// Offset its offset from UTC in minutes east, such as 480.
	TimeZone  string `json:"time_zone,omitempty"`
	Offset    *int   `json:"utc_offset,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	Referrer  string `json:"referrer,omitempty"`
	// Pages are the pages of this visit, oldest first, at most MaxPages.
	Pages []Page `json:"pages"`
}

// Visit is what a widget says when it shows on a page.
type Visit struct {
	URL, Title, Referrer, Lang, TimeZone string
	Offset                               *int
}

type key struct{ site, id string }

type entry struct {
	Visitor
	conns int
}

// Registry is one node's live visitors. It is safe for concurrent use.
type Registry struct {
	now func() time.Time
	max int
	mu  sync.Mutex
	m   map[key]*entry
}

// New returns an empty Registry. now may be nil for time.Now.
func New(now func() time.Time) *Registry {
	if now == nil {
		now = time.Now
	}
	return &Registry{now: now, max: MaxVisitors, m: make(map[key]*entry)}
}

// Join counts a socket of a visitor, with its browser's User-Agent header.
func (r *Registry) Join(site, id, userAgent string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	k := key{site, id}
	e := r.m[k]
	if e == nil || (e.conns == 0 && now.Sub(e.Seen) > Grace) {
		r.makeRoom()
		e = &entry{Visitor: Visitor{Site: site, VisitorID: id, Since: now, Pages: []Page{}}}
		r.m[k] = e
	}
	e.conns++
	e.Online, e.Seen = true, now
	e.UserAgent = clip(userAgent, 512)
}

// Leave uncounts a socket of a visitor.
func (r *Registry) Leave(site, id string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if e := r.m[key{site, id}]; e != nil && e.conns > 0 {
		e.conns--
		e.Seen = r.now()
		e.Online = e.conns > 0
	}
}

// Visit records a page view of a visitor with a socket here. A view of the
// page last recorded (a reconnect, a reload) only refreshes its title.
func (r *Registry) Visit(site, id string, v Visit) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.m[key{site, id}]
	if e == nil || e.conns == 0 {
		return
	}
	now := r.now()
	e.Seen = now
	if l := clip(v.Lang, 16); l != "" {
		e.Lang = l
	}
	if z := clip(v.TimeZone, 64); z != "" {
		e.TimeZone = z
	}
	if v.Offset != nil && *v.Offset >= -14*60 && *v.Offset <= 14*60 {
		o := *v.Offset
		e.Offset = &o
	}
	if ref := clip(v.Referrer, maxURL); ref != "" && e.Referrer == "" {
		e.Referrer = ref
	}
	u := clip(v.URL, maxURL)
	if u == "" {
		return
	}
	p := Page{URL: u, Title: clip(v.Title, maxTitle), At: now}
	if n := len(e.Pages); n > 0 && e.Pages[n-1].URL == u {
		e.Pages[n-1].Title = p.Title
		return
	}
	e.Pages = append(e.Pages, p)
	if len(e.Pages) > MaxPages {
		e.Pages = append([]Page(nil), e.Pages[len(e.Pages)-MaxPages:]...)
	}
}

// List returns up to limit of a site's online visitors on this node, the
// most recently arrived first, each with only their current page.
func (r *Registry) List(site string, limit int) []Visitor {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Visitor
	for k, e := range r.m {
		if k.site == site && e.Online {
			v := e.copy()
			if n := len(v.Pages); n > 1 {
				v.Pages = v.Pages[n-1:]
			}
			out = append(out, v)
		}
	}
	sortVisitors(out)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// Get returns what this node knows of a visitor: online, or gone less
// than Grace ago.
func (r *Registry) Get(site, id string) (Visitor, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	e := r.m[key{site, id}]
	if e == nil || (e.conns == 0 && r.now().Sub(e.Seen) > Grace) {
		return Visitor{}, false
	}
	return e.copy(), true
}

// Len is how many visitors this node keeps, online or not.
func (r *Registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.m)
}

// Prune forgets the visitors gone longer than Grace, so that memory
// follows who is around rather than the busiest hour. The server calls it
// every few seconds; it returns how many it forgot.
func (r *Registry) Prune() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := len(r.m)
	r.prune()
	return n - len(r.m)
}

// prune forgets visitors gone longer than Grace and returns the one gone
// longest of those kept without a socket.
func (r *Registry) prune() (oldest key, at time.Time) {
	now := r.now()
	for k, e := range r.m {
		if e.conns > 0 {
			continue
		}
		if now.Sub(e.Seen) > Grace {
			delete(r.m, k)
		} else if at.IsZero() || e.Seen.Before(at) {
			oldest, at = k, e.Seen
		}
	}
	return oldest, at
}

// makeRoom forgets visitors gone longer than Grace, and then, if the
// registry is still full, the one gone longest.
func (r *Registry) makeRoom() {
	if len(r.m) < r.max {
		return
	}
	oldest, at := r.prune()
	if len(r.m) >= r.max && !at.IsZero() {
		delete(r.m, oldest)
	}
}

func (e *entry) copy() Visitor {
	v := e.Visitor
	v.Pages = append([]Page{}, e.Pages...)
	if e.Offset != nil {
		o := *e.Offset
		v.Offset = &o
	}
	return v
}

// Merge combines what several nodes said of the same visitors: a visitor
// is online if online anywhere, the visit began at the earliest start, and
// the page trails are joined in time order (a visitor whose next page
// reached another node has pages on both). The rest comes from the node
// that saw them last.
func Merge(reports []Visitor) []Visitor {
	byID := map[key]*Visitor{}
	var order []key
	for _, v := range reports {
		k := key{v.Site, v.VisitorID}
		m := byID[k]
		if m == nil {
			c := v
			c.Pages = append([]Page{}, v.Pages...)
			byID[k] = &c
			order = append(order, k)
			continue
		}
		pages := append(m.Pages, v.Pages...)
		online := m.Online || v.Online
		since := m.Since
		if v.Since.Before(since) {
			since = v.Since
		}
		if v.Seen.After(m.Seen) {
			*m = v
		}
		m.Online, m.Since, m.Pages = online, since, trail(pages)
	}
	out := make([]Visitor, 0, len(order))
	for _, k := range order {
		out = append(out, *byID[k])
	}
	sortVisitors(out)
	return out
}

// trail sorts pages by time, drops a page repeated next to itself, and
// keeps the last MaxPages.
func trail(pages []Page) []Page {
	sort.SliceStable(pages, func(i, j int) bool { return pages[i].At.Before(pages[j].At) })
	out := pages[:0]
	for _, p := range pages {
		if n := len(out); n > 0 && out[n-1].URL == p.URL && out[n-1].At.Equal(p.At) {
			continue
		}
		out = append(out, p)
	}
	if len(out) > MaxPages {
		out = out[len(out)-MaxPages:]
	}
	return out
}

func sortVisitors(vs []Visitor) {
	sort.Slice(vs, func(i, j int) bool {
		if !vs[i].Since.Equal(vs[j].Since) {
			return vs[i].Since.After(vs[j].Since)
		}
		return vs[i].VisitorID < vs[j].VisitorID
	})
}

// clip trims s and keeps at most n bytes of it, cut at a character's
// edge: bytes, not characters, are what a flood of page frames fills
// memory with.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
