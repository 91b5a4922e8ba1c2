package live

import (
	"fmt"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time      { return c.t }
func (c *clock) add(d time.Duration) { c.t = c.t.Add(d) }
func newClock() *clock               { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }
func urls(v Visitor) (out []string) {
	for _, p := range v.Pages {
		out = append(out, p.URL)
	}
	return out
}

func TestTrailAndPresence(t *testing.T) {
	c := newClock()
	r := New(c.now)
	off := 480
	r.Visit("s", "v1", Visit{URL: "https://a/ignored"}) // no socket: not kept
	r.Join("s", "v1", "UA")
	r.Visit("s", "v1", Visit{URL: "https://a/1", Title: "One", Lang: "zh-CN", TimeZone: "Asia/Shanghai", Offset: &off})
	c.add(time.Second)
	r.Visit("s", "v1", Visit{URL: "https://a/1", Title: "One again"}) // a reconnect
	r.Leave("s", "v1")
	c.add(time.Minute) // navigating
	r.Join("s", "v1", "UA")
	r.Visit("s", "v1", Visit{URL: "https://a/2"})
	v, ok := r.Get("s", "v1")
	if !ok || !v.Online || fmt.Sprint(urls(v)) != "[https://a/1 https://a/2]" || v.Pages[0].Title != "One again" {
		t.Fatalf("got %+v, want online with pages 1 and 2", v)
	}
	if v.TimeZone != "Asia/Shanghai" || v.Offset == nil || *v.Offset != 480 || v.Lang != "zh-CN" || v.UserAgent != "UA" {
		t.Errorf("visitor details %+v", v)
	}
	if l := r.List("s", 10); len(l) != 1 || len(l[0].Pages) != 1 || l[0].Pages[0].URL != "https://a/2" {
		t.Errorf("List = %+v, want v1 on page 2 only", l)
	}
	if l := r.List("other", 10); len(l) != 0 {
		t.Errorf("another site lists %+v", l)
	}
	r.Leave("s", "v1")
	if l := r.List("s", 10); len(l) != 0 {
		t.Errorf("a visitor without sockets is listed: %+v", l)
	}
	if v, ok := r.Get("s", "v1"); !ok || v.Online {
		t.Errorf("within the grace period Get = %+v, %v; want offline and kept", v, ok)
	}
	c.add(Grace + time.Second)
	if _, ok := r.Get("s", "v1"); ok {
		t.Error("kept past the grace period")
	}
	r.Join("s", "v1", "UA")
	if v, _ := r.Get("s", "v1"); len(v.Pages) != 0 || !v.Since.Equal(c.t) {
		t.Errorf("a visit after the grace period continues the old one: %+v", v)
	}
}

func TestBounds(t *testing.T) {
	c := newClock()
	r := New(c.now)
	r.Join("s", "v", "")
	for i := range MaxPages + 5 {
		c.add(time.Second)
		r.Visit("s", "v", Visit{URL: fmt.Sprintf("https://a/%d", i)})
	}
	v, _ := r.Get("s", "v")
	if len(v.Pages) != MaxPages || v.Pages[0].URL != "https://a/5" {
		t.Errorf("trail has %d pages from %s, want the last %d", len(v.Pages), v.Pages[0].URL, MaxPages)
	}
	bad := 99 * 60
	long := make([]byte, 5000)
	for i := range long {
		long[i] = 'x'
	}
	r.Visit("s", "v", Visit{URL: string(long), Offset: &bad})
	v, _ = r.Get("s", "v")
	if n := len(v.Pages[len(v.Pages)-1].URL); n != maxURL || v.Offset != nil {
		t.Errorf("URL kept at %d bytes, offset %v; want %d and none", n, v.Offset, maxURL)
	}

	r = New(c.now)
	r.max = 3
	for i := range 3 {
		r.Join("s", fmt.Sprint(i), "")
		c.add(time.Second)
		r.Leave("s", fmt.Sprint(i))
	}
	r.Join("s", "new", "")
	if _, ok := r.Get("s", "0"); ok || r.Len() != 3 {
		t.Errorf("a full registry kept the visitor gone longest (%d kept)", r.Len())
	}
}

func TestMerge(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	nodeA := Visitor{Site: "s", VisitorID: "v", Online: false, Since: at(0), Seen: at(10), Lang: "en",
		Pages: []Page{{URL: "/1", At: at(0)}, {URL: "/2", At: at(5)}}}
	nodeB := Visitor{Site: "s", VisitorID: "v", Online: true, Since: at(11), Seen: at(20), Lang: "zh-CN",
		Pages: []Page{{URL: "/3", At: at(11)}}}
	other := Visitor{Site: "s", VisitorID: "w", Online: true, Since: at(15), Seen: at(15), Pages: []Page{}}
	got := Merge([]Visitor{nodeB, other, nodeA})
	if len(got) != 2 {
		t.Fatalf("Merge gave %d visitors, want 2: %+v", len(got), got)
	}
	v := got[1]
	if got[0].VisitorID != "w" || v.VisitorID != "v" {
		t.Fatalf("order %s, %s; want the latest arrival first", got[0].VisitorID, v.VisitorID)
	}
	if !v.Online || !v.Since.Equal(at(0)) || v.Lang != "zh-CN" || fmt.Sprint(urls(v)) != "[/1 /2 /3]" {
		t.Errorf("merged %+v; want online since 0, zh-CN, pages 1 2 3", v)
	}
}

// What one page view keeps is bounded in bytes, not only in characters:
// a URL of 4-byte characters is clipped to maxURL bytes, at a character's
// edge, so that MaxVisitors × MaxPages bounds the memory a flood of page
// frames can hold.
func TestVisitClipsBytes(t *testing.T) {
	r := New(newClock().now)
	r.Join("acme", "v1", "")
	wide := strings.Repeat("𠀀", 2000) // 4 bytes each
	r.Visit("acme", "v1", Visit{URL: "https://a.example/" + wide, Title: wide, Referrer: wide, Lang: wide, TimeZone: wide})
	v, _ := r.Get("acme", "v1")
	p := v.Pages[0]
	for _, c := range []struct {
		what string
		s    string
		max  int
	}{{"url", p.URL, maxURL}, {"title", p.Title, maxTitle}, {"referrer", v.Referrer, maxURL}, {"lang", v.Lang, 16}, {"time zone", v.TimeZone, 64}} {
		if len(c.s) > c.max || !utf8.ValidString(c.s) || c.s == "" {
			t.Errorf("%s kept %d bytes (valid UTF-8: %v), want 1 to %d", c.what, len(c.s), utf8.ValidString(c.s), c.max)
		}
	}
}

// Prune forgets visitors gone longer than Grace, and only them: one still
// connected and one gone a moment ago stay.
func TestPrune(t *testing.T) {
	c := newClock()
	r := New(c.now)
	for _, id := range []string{"gone", "left", "here"} {
		r.Join("s", id, "UA")
	}
	r.Leave("s", "gone")
	c.add(Grace + time.Second)
	r.Leave("s", "left")
	if n := r.Prune(); n != 1 || r.Len() != 2 {
		t.Fatalf("Prune forgot %d, %d left; want 1 and 2", n, r.Len())
	}
	if _, ok := r.Get("s", "gone"); ok {
		t.Error("a visitor gone longer than Grace is still known")
	}
	for _, id := range []string{"left", "here"} {
		if _, ok := r.Get("s", id); !ok {
			t.Errorf("%s was forgotten", id)
		}
	}
}
