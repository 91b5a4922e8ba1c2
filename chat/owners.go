package chat

import "sync"

// owner is who a conversation belongs to.
type owner struct{ site, visitorID string }

// ownerCache remembers conversations' owners. It is bounded: when full it
// starts over, which costs only database reads.
type ownerCache struct {
	mu sync.Mutex
	m  map[string]owner
}

const ownerCacheSize = 50_000

func (c *ownerCache) get(key string) (owner, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	o, ok := c.m[key]
	return o, ok
}

func (c *ownerCache) put(key string, o owner) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= ownerCacheSize {
		clear(c.m)
	}
	c.m[key] = o
}
