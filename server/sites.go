package server

import (
	"context"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/kefu/kefu/chat"
)

// siteTTL is how long a site's settings are served from memory. Widget
// requests and socket logins read them constantly; a change to a site's
// settings takes effect within this time.
const siteTTL = 5 * time.Second

type siteCache struct {
	mu    sync.Mutex
	sites map[string]cachedSite
}

type cachedSite struct {
	site *chat.Site
	at   time.Time
}

// forget drops a site from the cache, after a change of its settings:
// this node serves the change at once, other nodes within siteTTL.
func (c *siteCache) forget(key string) {
	c.mu.Lock()
	delete(c.sites, key)
	c.mu.Unlock()
}

// site returns the site with key, or not-found for an invalid or unknown key.
func (s *Server) site(ctx context.Context, key string) (*chat.Site, error) {
	if !chat.ValidKey(key) {
		return nil, chat.NotFound("site")
	}
	now := s.opts.Now()
	s.sites.mu.Lock()
	if c, ok := s.sites.sites[key]; ok && now.Sub(c.at) < siteTTL {
		s.sites.mu.Unlock()
		return c.site, nil
	}
	s.sites.mu.Unlock()
	// key may point into Fiber's request buffer, and the site is kept.
	key = strings.Clone(key)
	site, err := s.opts.Store.Site(ctx, key)
	if err != nil {
		return nil, err
	}
	s.sites.mu.Lock()
	if len(s.sites.sites) > 10000 {
		clear(s.sites.sites)
	}
	s.sites.sites[key] = cachedSite{site: site, at: now}
	s.sites.mu.Unlock()
	return site, nil
}

// originAllowed reports whether a browser at origin may use site's widget.
// kefu's own origin (the widget's iframe) is always allowed; an empty
// allow-list allows any origin.
func (s *Server) originAllowed(site *chat.Site, origin string) bool {
	if origin == "" || origin == s.origin || len(site.AllowedOrigins) == 0 {
		return true
	}
	return originListed(site.AllowedOrigins, origin)
}

func originListed(list []string, origin string) bool {
	origin = strings.ToLower(origin)
	for _, o := range list {
		o = strings.ToLower(strings.TrimRight(o, "/"))
		if o == origin {
			return true
		}
		// "https://*.example.com" allows subdomains.
		if rest, ok := strings.CutPrefix(o, "https://*."); ok {
			if u, err := url.Parse(origin); err == nil && u.Scheme == "https" && strings.HasSuffix(u.Host, "."+rest) {
				return true
			}
		}
	}
	return false
}
