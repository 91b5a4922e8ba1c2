package bus

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kefu/kefu/bus/natstest"
	"github.com/kefu/kefu/chat"
)

// A node pair: what one node publishes, the other must see. For the local
// bus both "nodes" are the same bus.
type pair struct{ a, b chat.Bus }

var implementations = []struct {
	name string
	new  func(t *testing.T) pair
}{
	{"local", func(t *testing.T) pair {
		b := NewLocal()
		t.Cleanup(func() { b.Close() })
		return pair{b, b}
	}},
	{"nats", func(t *testing.T) pair {
		url := natstest.Start(t)
		return pair{mustConnect(t, url), mustConnect(t, url)}
	}},
}

func mustConnect(t *testing.T, url string) *NATS {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := ConnectNATS(ctx, url, nil)
	if err != nil {
		t.Fatalf("ConnectNATS: %v", err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// recorder collects what a subscriber receives.
type recorder chan string

func newRecorder() recorder { return make(recorder, 1000) }

func (r recorder) fn(data []byte) { r <- string(data) }

// next waits for the next message, failing the test after a while.
func (r recorder) next(t *testing.T) string {
	t.Helper()
	select {
	case m := <-r:
		return m
	case <-time.After(5 * time.Second):
		t.Fatal("no message within 5s")
		return ""
	}
}

func (r recorder) expect(t *testing.T, want ...string) {
	t.Helper()
	for _, w := range want {
		if got := r.next(t); got != w {
			t.Fatalf("got message %q, want %q", got, w)
		}
	}
}

// expectEmpty checks that nothing arrived. Call it after a later message on
// the same connection has arrived, so that "nothing yet" means "nothing".
func (r recorder) expectEmpty(t *testing.T) {
	t.Helper()
	select {
	case m := <-r:
		t.Fatalf("got unexpected message %q", m)
	default:
	}
}

func mustSubscribe(t *testing.T, b chat.Bus, subject string, fn func([]byte)) func() {
	t.Helper()
	unsub, err := b.Subscribe(subject, fn)
	if err != nil {
		t.Fatalf("Subscribe(%q): %v", subject, err)
	}
	return unsub
}

func mustPublish(t *testing.T, b chat.Bus, subject, data string) {
	t.Helper()
	if err := b.Publish(context.Background(), subject, []byte(data)); err != nil {
		t.Fatalf("Publish(%q): %v", subject, err)
	}
}

func TestBus(t *testing.T) {
	for _, impl := range implementations {
		t.Run(impl.name, func(t *testing.T) {
			t.Run("publish reaches subscribers on both nodes", func(t *testing.T) {
				p := impl.new(t)
				onA, onB := newRecorder(), newRecorder()
				mustSubscribe(t, p.a, "kefu.site.demo", onA.fn)
				mustSubscribe(t, p.b, "kefu.site.demo", onB.fn)
				mustPublish(t, p.a, "kefu.site.demo", "hello")
				onA.expect(t, "hello")
				onB.expect(t, "hello")
			})

			t.Run("one publisher's order is kept", func(t *testing.T) {
				p := impl.new(t)
				r := newRecorder()
				mustSubscribe(t, p.b, "kefu.site.demo", r.fn)
				var want []string
				for i := range 100 {
					msg := fmt.Sprint(i)
					want = append(want, msg)
					mustPublish(t, p.a, "kefu.site.demo", msg)
				}
				r.expect(t, want...)
			})

			t.Run("subjects match exactly", func(t *testing.T) {
				p := impl.new(t)
				r := newRecorder()
				mustSubscribe(t, p.b, chat.SiteSubject("a"), r.fn)
				mustPublish(t, p.a, chat.SiteSubject("ab"), "other site")
				mustPublish(t, p.a, chat.SiteSubject("a")+".x", "deeper subject")
				mustPublish(t, p.a, chat.SiteSubject("a"), "mine")
				r.expect(t, "mine")
				r.expectEmpty(t)
			})

			t.Run("unsubscribe stops delivery and is idempotent", func(t *testing.T) {
				p := impl.new(t)
				gone, kept := newRecorder(), newRecorder()
				unsub := mustSubscribe(t, p.b, "kefu.site.demo", gone.fn)
				mustSubscribe(t, p.b, "kefu.site.demo", kept.fn)
				mustPublish(t, p.a, "kefu.site.demo", "before")
				gone.expect(t, "before")
				kept.expect(t, "before")

				unsub()
				unsub()
				mustPublish(t, p.a, "kefu.site.demo", "after")
				kept.expect(t, "after")
				gone.expectEmpty(t)
			})

			t.Run("each subscriber gets its own copy", func(t *testing.T) {
				p := impl.new(t)
				first, second := make(chan []byte, 1), make(chan []byte, 1)
				mustSubscribe(t, p.b, "kefu.site.demo", func(d []byte) { d[0] = 'X'; first <- d })
				mustSubscribe(t, p.b, "kefu.site.demo", func(d []byte) { second <- d })
				data := []byte("hello")
				if err := p.a.Publish(context.Background(), "kefu.site.demo", data); err != nil {
					t.Fatal(err)
				}
				copy(data, "HELLO") // the publisher reuses its buffer
				var got [2][]byte
				for i, ch := range []chan []byte{first, second} {
					select {
					case got[i] = <-ch:
					case <-time.After(5 * time.Second):
						t.Fatal("no message within 5s")
					}
				}
				// Both subscribers have run, so a shared buffer would show the
				// first one's change or the publisher's.
				if string(got[1]) != "hello" {
					t.Errorf("second subscriber got %q, want %q", got[1], "hello")
				}
			})

			t.Run("bad subjects are refused", func(t *testing.T) {
				p := impl.new(t)
				for _, subject := range []string{"", "kefu.site.*", "kefu.>", "kefu..site", "kefu.site.a b", "kefu.site."} {
					if _, err := p.a.Subscribe(subject, func([]byte) {}); err == nil {
						t.Errorf("Subscribe(%q) succeeded", subject)
					}
					if err := p.a.Publish(context.Background(), subject, nil); err == nil {
						t.Errorf("Publish(%q) succeeded", subject)
					}
				}
			})

			t.Run("cancelled context", func(t *testing.T) {
				p := impl.new(t)
				ctx, cancel := context.WithCancel(context.Background())
				cancel()
				if err := p.a.Publish(ctx, "kefu.site.demo", nil); !errors.Is(err, context.Canceled) {
					t.Errorf("Publish = %v, want context.Canceled", err)
				}
			})

			t.Run("closed bus refuses work", func(t *testing.T) {
				p := impl.new(t)
				b := p.a.(interface {
					chat.Bus
					Close() error
					Ping(context.Context) error
				})
				if err := b.Ping(context.Background()); err != nil {
					t.Fatalf("Ping on an open bus: %v", err)
				}
				if err := b.Close(); err != nil {
					t.Fatal(err)
				}
				if err := b.Publish(context.Background(), "kefu.site.demo", nil); !errors.Is(err, ErrClosed) {
					t.Errorf("Publish after Close = %v, want ErrClosed", err)
				}
				if _, err := b.Subscribe("kefu.site.demo", func([]byte) {}); !errors.Is(err, ErrClosed) {
					t.Errorf("Subscribe after Close = %v, want ErrClosed", err)
				}
				if err := b.Ping(context.Background()); !errors.Is(err, ErrClosed) {
					t.Errorf("Ping after Close = %v, want ErrClosed", err)
				}
			})
		})
	}
}
