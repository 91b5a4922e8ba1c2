package chat

import "sync"

// convCache keeps conversations in memory, so that sending a message does
// not first read the conversation back from the database. It is only
// correct while this process makes every change to the conversations it
// caches, which holds on one node (the embedded database allows no other).
// Even so, a stale entry cannot break the delivery rules: the store's
// unique (conversation, seq) index refuses a message with a taken seq, and
// Send then repairs and retries.
type convCache struct {
	mu  sync.Mutex
	max int
	m   map[string]*Conversation
}

func (c *convCache) get(key string) (*Conversation, bool) {
	if c == nil {
		return nil, false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	conv, ok := c.m[key]
	if !ok {
		return nil, false
	}
	return conv.clone(), true
}

// put stores a copy of conv. Callers hold the conversation's lock.
func (c *convCache) put(key string, conv *Conversation) {
	if c == nil {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.m) >= c.max {
		clear(c.m)
	}
	c.m[key] = conv.clone()
}

// drop forgets a conversation whose stored state is not known.
func (c *convCache) drop(key string) {
	if c == nil {
		return
	}
	c.mu.Lock()
	delete(c.m, key)
	c.mu.Unlock()
}

// clone copies a conversation deeply enough that neither copy sees the
// other's changes.
func (c *Conversation) clone() *Conversation {
	cp := *c
	cp.Tail = append([]Message(nil), c.Tail...)
	return &cp
}

// withMessage returns the conversation after m was appended: the new last
// seq, and m at the end of a tail of at most TailSize.
func (c *Conversation) withMessage(m *Message) {
	c.LastSeq = m.Seq
	c.UpdatedAt = m.CreatedAt
	c.Tail = append(c.Tail, *m)
	if n := len(c.Tail); n > TailSize {
		c.Tail = append(c.Tail[:0:0], c.Tail[n-TailSize:]...)
	}
}

// CacheConversations keeps up to n conversations in memory. Call it only
// when this process is the only one that changes conversations, before the
// service is used.
func (s *Service) CacheConversations(n int) {
	s.convs = &convCache{max: n, m: make(map[string]*Conversation)}
}
