package chat

import "sync"

// keyedMutex serializes work per key, such as all writes to one
// conversation. Embedded FerretDB reads, modifies and writes back on every
// update, so two concurrent updates of one document lose one of them; this
// lock is what keeps them whole. Entries are freed when nobody holds them.
type keyedMutex struct {
	mu    sync.Mutex
	locks map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

func newKeyedMutex() *keyedMutex { return &keyedMutex{locks: make(map[string]*keyedEntry)} }

// lock locks key and returns its unlock function.
func (k *keyedMutex) lock(key string) (unlock func()) {
	k.mu.Lock()
	e := k.locks[key]
	if e == nil {
		e = &keyedEntry{}
		k.locks[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.locks, key)
		}
		k.mu.Unlock()
	}
}

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
