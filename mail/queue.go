package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// Deliverer delivers one message; *Sender is one.
type Deliverer interface {
	Send(ctx context.Context, m Message) error
}

// Queue sends messages in the background, so that whoever sends does not
// wait for an SMTP server: it holds at most a fixed number, tries each a
// few times with growing pauses, and logs what it gives up on.
type Queue struct {
	d      Deliverer
	log    *slog.Logger
	ch     chan Message
	pauses []time.Duration
	// closing refuses new messages and lets the rest be sent; abort
	// ends the sending when Close's time is up.
	closing chan struct{}
	abort   context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	once    sync.Once
}

// DefaultPauses are the waits between tries of one message: four tries
// over about five minutes.
var DefaultPauses = []time.Duration{10 * time.Second, time.Minute, 4 * time.Minute}

// Senders is how many messages a Queue sends at once: a message that
// waits to be tried again holds up one sender, not the queue.
const Senders = 4

// NewQueue starts a queue of up to size messages waiting, sent through d
// by Senders goroutines. pauses are the waits between tries (nil:
// DefaultPauses).
func NewQueue(d Deliverer, size int, pauses []time.Duration, log *slog.Logger) *Queue {
	if size < 1 {
		size = 1
	}
	if pauses == nil {
		pauses = DefaultPauses
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	q := &Queue{d: d, log: log, ch: make(chan Message, size), pauses: pauses, closing: make(chan struct{}), done: make(chan struct{})}
	q.abort, q.cancel = context.WithCancel(context.Background())
	var senders sync.WaitGroup
	for range Senders {
		senders.Go(q.run)
	}
	go func() {
		senders.Wait()
		close(q.done)
	}()
	return q
}

// ErrQueueFull is returned by Enqueue when the queue holds all it can.
var ErrQueueFull = errors.New("mail: queue is full")

// Enqueue queues m and returns at once; a full or closed queue refuses it.
func (q *Queue) Enqueue(m Message) error {
	if err := m.check(); err != nil {
		return err
	}
	select {
	case <-q.closing:
		return errors.New("mail: queue is closed")
	default:
	}
	select {
	case q.ch <- m:
		return nil
	default:
		q.log.Warn("mail queue is full; message dropped", "to", m.To.Address, "subject", m.Subject)
		return ErrQueueFull
	}
}

// run is one sender: it takes the next message until the queue closes and
// is empty.
func (q *Queue) run() {
	for {
		select {
		case m := <-q.ch:
			q.send(m)
		case <-q.closing:
			for {
				select {
				case m := <-q.ch:
					q.send(m)
				default:
					return
				}
			}
		}
	}
}

// send tries m until it goes, fails for good, or the queue is aborted.
func (q *Queue) send(m Message) {
	ctx := q.abort
	for try := 0; ; try++ {
		err := ctx.Err()
		if err == nil {
			err = q.d.Send(ctx, m)
		}
		if err == nil {
			q.log.Info("mail sent", "to", m.To.Address, "subject", m.Subject, "tries", try+1)
			return
		}
		var perm *PermanentError
		if errors.As(err, &perm) || try >= len(q.pauses) || ctx.Err() != nil {
			q.log.Error("mail not sent", "to", m.To.Address, "subject", m.Subject, "tries", try+1, "err", err)
			return
		}
		q.log.Warn("mail not sent; will retry", "to", m.To.Address, "in", q.pauses[try], "err", err)
		select {
		case <-time.After(q.pauses[try]):
		case <-ctx.Done():
		}
	}
}

// Close refuses new messages and sends what is queued until ctx ends;
// what is left then is logged as not sent.
func (q *Queue) Close(ctx context.Context) {
	q.once.Do(func() { close(q.closing) })
	select {
	case <-q.done:
	case <-ctx.Done():
		q.cancel()
		<-q.done
	}
	q.cancel()
}
