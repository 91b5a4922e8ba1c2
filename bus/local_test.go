package bus

import (
	"context"
	"fmt"
	"sync"
	"testing"
)

func TestLocalPublishIsSynchronous(t *testing.T) {
	b := NewLocal()
	var got []string
	mustSubscribe(t, b, "kefu.site.demo", func(d []byte) { got = append(got, string(d)) })
	mustPublish(t, b, "kefu.site.demo", "one")
	mustPublish(t, b, "kefu.site.demo", "two")
	if fmt.Sprint(got) != "[one two]" {
		t.Errorf("right after Publish, subscriber has %v, want [one two]", got)
	}
}

func TestLocalSubscriberMayChangeSubscriptions(t *testing.T) {
	b := NewLocal()
	var got []string
	var unsub func()
	unsub = mustSubscribe(t, b, "kefu.site.demo", func(d []byte) {
		got = append(got, "once:"+string(d))
		unsub() // must not deadlock
		mustSubscribe(t, b, "kefu.site.other", func(d []byte) { got = append(got, "other:"+string(d)) })
	})
	mustPublish(t, b, "kefu.site.demo", "a")
	mustPublish(t, b, "kefu.site.demo", "b")
	mustPublish(t, b, "kefu.site.other", "c")
	if fmt.Sprint(got) != "[once:a other:c]" {
		t.Errorf("got %v, want [once:a other:c]", got)
	}
}

func TestLocalNoSubscribers(t *testing.T) {
	b := NewLocal()
	unsub := mustSubscribe(t, b, "kefu.site.demo", func([]byte) {})
	unsub()
	mustPublish(t, b, "kefu.site.demo", "nobody listens")
	if len(b.subs) != 0 {
		t.Errorf("bus still holds %d subjects after the last unsubscribe", len(b.subs))
	}
}

// TestLocalConcurrent is for the race detector: publishers, subscribers and
// unsubscribers at once.
func TestLocalConcurrent(t *testing.T) {
	b := NewLocal()
	var wg sync.WaitGroup
	var mu sync.Mutex
	received := 0
	for i := range 8 {
		wg.Go(func() {
			subject := fmt.Sprintf("kefu.site.s%d", i%2)
			for range 200 {
				unsub := mustSubscribe(t, b, subject, func([]byte) { mu.Lock(); received++; mu.Unlock() })
				if err := b.Publish(context.Background(), subject, []byte("x")); err != nil {
					t.Error(err)
					return
				}
				unsub()
			}
		})
	}
	wg.Wait()
	// Each publisher's own subscriber was active during its Publish.
	if received < 8*200 {
		t.Errorf("received %d messages, want at least %d", received, 8*200)
	}
}
