package store

import (
	"hash/maphash"
	"sync"
)

// stripedLock is a fixed set of mutexes picked by a hash of the key, so
// that updates of one document are serialized without a map of locks that
// grows forever. Unrelated keys share a stripe now and then, which only
// costs a little waiting.
type stripedLock struct {
	once    sync.Once
	seed    maphash.Seed
	stripes [64]sync.Mutex
}

func (l *stripedLock) lock(key string) (unlock func()) {
	l.once.Do(func() { l.seed = maphash.MakeSeed() })
	m := &l.stripes[maphash.String(l.seed, key)%uint64(len(l.stripes))]
	m.Lock()
	return m.Unlock
}
