package bus

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/kefu/kefu/chat"
)

var _ chat.Bus = (*Local)(nil)

// Local is the bus of a single kefu process. Publish calls every
// subscriber's fn synchronously, in the publisher's goroutine, which is why
// fn must not block. Each fn gets its own copy of the data.
type Local struct {
	mu     sync.RWMutex
	subs   map[string][]*localSub // replaced, never modified in place
	closed bool
}

type localSub struct {
	fn     func([]byte)
	active atomic.Bool
}

// NewLocal returns an empty in-process bus.
func NewLocal() *Local {
	return &Local{subs: make(map[string][]*localSub)}
}

// Publish hands a copy of data to each current subscriber of subject and
// returns once they all have run.
func (b *Local) Publish(ctx context.Context, subject string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkSubject(subject); err != nil {
		return err
	}
	b.mu.RLock()
	subs, closed := b.subs[subject], b.closed
	b.mu.RUnlock()
	if closed {
		return ErrClosed
	}
	// subs is never modified in place, so it is safe to range over without
	// the lock, and fn may subscribe or unsubscribe without deadlocking.
	for _, s := range subs {
		if s.active.Load() {
			s.fn(append([]byte(nil), data...))
		}
	}
	return nil
}

// Subscribe calls fn for every message published on exactly subject until
// unsubscribe is called. After unsubscribe returns, fn is no longer called,
// except by a Publish already running in another goroutine.
func (b *Local) Subscribe(subject string, fn func(data []byte)) (unsubscribe func(), err error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	s := &localSub{fn: fn}
	s.active.Store(true)

	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return nil, ErrClosed
	}
	old := b.subs[subject]
	subs := make([]*localSub, len(old), len(old)+1)
	copy(subs, old)
	b.subs[subject] = append(subs, s)

	return sync.OnceFunc(func() { b.remove(subject, s) }), nil
}

func (b *Local) remove(subject string, s *localSub) {
	s.active.Store(false)
	b.mu.Lock()
	defer b.mu.Unlock()
	old := b.subs[subject]
	subs := make([]*localSub, 0, len(old))
	for _, o := range old {
		if o != s {
			subs = append(subs, o)
		}
	}
	if len(subs) == 0 {
		delete(b.subs, subject)
	} else {
		b.subs[subject] = subs
	}
}

// Ping reports whether the bus can carry messages: always, until Close.
func (b *Local) Ping(context.Context) error {
	b.mu.RLock()
	defer b.mu.RUnlock()
	if b.closed {
		return ErrClosed
	}
	return nil
}

// Drain closes the bus. Publish is synchronous, so nothing is in flight to
// wait for; it exists so that Local and NATS shut down the same way.
func (b *Local) Drain(context.Context) error { return b.Close() }

// Close drops every subscriber. Later calls to Publish and Subscribe
// return ErrClosed.
func (b *Local) Close() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, subs := range b.subs {
		for _, s := range subs {
			s.active.Store(false)
		}
	}
	b.subs = make(map[string][]*localSub)
	b.closed = true
	return nil
}
