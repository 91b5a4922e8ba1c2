package store

import "sync"

// maxCachedTails bounds the tail cache: at 50 messages a tail, a thousand
// tails of short messages are a few megabytes.
const maxCachedTails = 1024

// tailCache remembers, in embedded mode, the site and tail of recently
// written conversations as this process last wrote them, so that an append
// need not read the conversation back first. It stays true because the
// embedded database has one writer, this process, and every write of a
// tail happens under the conversation's lock. A nil *tailCache, as on a
// real MongoDB, holds nothing.
type tailCache struct {
	mu sync.Mutex
	m  map[string]cachedTail
}

type cachedTail struct {
	site string
	tail tailDoc
}

func newTailCache() *tailCache { return &tailCache{m: make(map[string]cachedTail)} }

func (c *tailCache) get(id string) (cachedTail, bool) {
	if c == nil {
		return cachedTail{}, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	t, ok := c.m[id]
	return t, ok
}

// put stores t, which the caller must not modify afterwards, dropping an
// arbitrary other entry if the cache is full.
func (c *tailCache) put(id string, t cachedTail) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[id]; !ok && len(c.m) >= maxCachedTails {
		for k := range c.m {
			delete(c.m, k)
			break
		}
	}
	c.m[id] = t
}

func (c *tailCache) drop(id string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}
