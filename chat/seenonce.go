package chat

import (
	"strings"
	"sync"
)

// seenOnce remembers keys, so that each visitor's "opened" and "solved"
// count once per entry. It forgets everything when full (then a visitor
// may count again), and each node keeps its own: a bound, not a ledger.
type seenOnce struct {
	mu sync.Mutex
	m  map[string]struct{}
}

const seenOnceSize = 100_000 // keys of about 100 bytes: ~10 MB at most

// first reports whether key is new, and remembers it.
func (o *seenOnce) first(key string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, ok := o.m[key]; ok {
		return false
	}
	if o.m == nil || len(o.m) >= seenOnceSize {
		o.m = make(map[string]struct{})
	}
	o.m[strings.Clone(key)] = struct{}{}
	return true
}

// forget lets key count again.
func (o *seenOnce) forget(key string) {
	o.mu.Lock()
	delete(o.m, key)
	o.mu.Unlock()
}
