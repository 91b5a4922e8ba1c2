package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	neturl "net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/nats-io/nats.go"

	"github.com/kefu/kefu/chat"
)

var _ chat.Bus = (*NATS)(nil)

const (
	// reconnectBufSize bounds what Publish buffers while the connection is
	// down. Chat events are small, so this holds thousands of them; past
	// it Publish fails instead of growing memory.
	reconnectBufSize = 4 << 20
	// subscribeFlushTimeout bounds the round trip that makes a new
	// subscription known to the server before Subscribe returns.
	subscribeFlushTimeout = 2 * time.Second
)

// NATS is a bus shared by every kefu node connected to the same NATS
// servers. It reconnects forever; see Publish for what happens meanwhile.
type NATS struct {
	nc        *nats.Conn
	log       *slog.Logger
	closed    chan struct{}
	closeOnce sync.Once

	gapMu sync.Mutex
	gaps  []func(subject string)
}

var _ chat.GapNotifier = (*NATS)(nil)

// OnGap calls fn whenever events may have been lost: after a reconnect
// (subject "") and when NATS dropped messages for a slow subscriber (that
// subscription's subject).
func (n *NATS) OnGap(fn func(subject string)) {
	n.gapMu.Lock()
	defer n.gapMu.Unlock()
	n.gaps = append(n.gaps, fn)
}

func (n *NATS) gap(subject string) {
	n.gapMu.Lock()
	fns := slices.Clone(n.gaps)
	n.gapMu.Unlock()
	for _, fn := range fns {
		fn(subject)
	}
}

// ConnectNATS connects to the NATS servers in url (comma-separated) under
// the connection name "kefu".
//
// If no server answers yet, as when kefu and NATS start together, it keeps
// trying until ctx is done, so pass a ctx with a deadline. Authorization
// failures and malformed URLs fail at once. Once connected, the connection
// reconnects forever and logs each disconnect and reconnect on logger
// (nil discards them).
func ConnectNATS(ctx context.Context, url string, logger *slog.Logger) (*NATS, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	where := redactURLs(url)
	n := &NATS{log: logger.With("nats", where), closed: make(chan struct{})}

	opts := nats.GetDefaultOptions()
	for _, u := range strings.Split(url, ",") {
		if u = strings.TrimSpace(u); u != "" {
			// nats.go would report a bad URL with its password in it.
			if _, err := neturl.Parse(u); err != nil {
				return nil, fmt.Errorf("bus: bad NATS URL %q: want nats://host:port", redactURLs(u))
			}
			opts.Servers = append(opts.Servers, u)
		}
	}
	if len(opts.Servers) == 0 {
		return nil, errors.New("bus: no NATS URL")
	}
	opts.Name = "kefu"
	opts.AllowReconnect = true
	opts.MaxReconnect = -1
	opts.ReconnectWait = time.Second
	opts.ReconnectBufSize = reconnectBufSize
	opts.Timeout = 5 * time.Second
	// Notice a dead server within about 30s rather than nats.go's default
	// of several minutes, since live chat stalls until then.
	opts.PingInterval = 10 * time.Second
	opts.MaxPingsOut = 3
	opts.DisconnectedErrCB = n.onDisconnect
	opts.ReconnectedCB = n.onReconnect
	opts.ClosedCB = func(*nats.Conn) { n.closeOnce.Do(func() { close(n.closed) }) }
	opts.AsyncErrorCB = n.onAsyncError

	wait := 250 * time.Millisecond
	for {
		nc, err := connect(ctx, opts)
		if err == nil {
			n.nc = nc
			n.log.Info("bus: connected to NATS", "server", nc.ConnectedUrlRedacted())
			return n, nil
		}
		if ctx.Err() != nil || permanent(err) {
			return nil, fmt.Errorf("bus: connect to NATS at %s: %w", where, err)
		}
		n.log.Warn("bus: NATS not reachable yet, retrying", "err", err, "retry_in", wait)
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("bus: connect to NATS at %s: %w (last error: %v)", where, ctx.Err(), err)
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
}

// connect is opts.Connect that gives up when ctx is done. nats.go has no
// context for connecting, and a dialer bound to ctx would also be used,
// and fail, for every later reconnect.
func connect(ctx context.Context, opts nats.Options) (*nats.Conn, error) {
	type result struct {
		nc  *nats.Conn
		err error
	}
	done := make(chan result, 1)
	go func() {
		nc, err := opts.Connect()
		done <- result{nc, err}
	}()
	select {
	case r := <-done:
		return r.nc, r.err
	case <-ctx.Done():
		go func() {
			if r := <-done; r.nc != nil {
				r.nc.Close()
			}
		}()
		return nil, ctx.Err()
	}
}

// permanent reports whether retrying the initial connection is pointless.
func permanent(err error) bool {
	var urlErr *neturl.Error
	return errors.As(err, &urlErr) ||
		errors.Is(err, nats.ErrAuthorization) ||
		errors.Is(err, nats.ErrAuthExpired) ||
		errors.Is(err, nats.ErrAuthRevoked) ||
		errors.Is(err, nats.ErrAccountAuthExpired)
}

func (n *NATS) onDisconnect(_ *nats.Conn, err error) {
	if err != nil {
		n.log.Warn("bus: disconnected from NATS, reconnecting", "err", err)
	}
}

func (n *NATS) onReconnect(nc *nats.Conn) {
	n.log.Info("bus: reconnected to NATS", "server", nc.ConnectedUrlRedacted())
	// Whatever other nodes published while this one was cut off is lost.
	n.gap("")
}

func (n *NATS) onAsyncError(_ *nats.Conn, sub *nats.Subscription, err error) {
	// The usual one is a slow consumer: a subscriber's fn fell behind and
	// NATS dropped messages for it, which clients repair by catching up.
	if sub != nil {
		n.log.Error("bus: NATS error", "subject", sub.Subject, "err", err)
		if errors.Is(err, nats.ErrSlowConsumer) {
			n.gap(sub.Subject)
		}
		return
	}
	n.log.Error("bus: NATS error", "err", err)
}

// Publish sends data to every subscriber of subject on every node,
// including this one. It returns once the message is queued, not when it
// is delivered.
//
// While the connection is down, Publish buffers: it returns nil and the
// message goes out on reconnect, up to 4 MiB in all. Beyond that it returns
// an error wrapping nats.ErrReconnectBufExceeded. After Close or Drain it
// returns an error wrapping ErrClosed.
func (n *NATS) Publish(ctx context.Context, subject string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := checkSubject(subject); err != nil {
		return err
	}
	if err := n.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("bus: publish %s: %w", subject, closedErr(err))
	}
	return nil
}

// Subscribe calls fn for every message on exactly subject until
// unsubscribe is called. fn runs in a goroutine of this subscription, one
// message at a time, and owns data. If fn falls far behind, NATS drops
// messages for it and logs a slow-consumer error.
//
// While connected, Subscribe returns once the server knows of the
// subscription, so a message published afterwards on any node reaches fn.
func (n *NATS) Subscribe(subject string, fn func(data []byte)) (unsubscribe func(), err error) {
	if err := checkSubject(subject); err != nil {
		return nil, err
	}
	sub, err := n.nc.Subscribe(subject, func(m *nats.Msg) { fn(m.Data) })
	if err != nil {
		return nil, fmt.Errorf("bus: subscribe %s: %w", subject, closedErr(err))
	}
	if n.nc.IsConnected() {
		if err := n.nc.FlushTimeout(subscribeFlushTimeout); err != nil {
			// The subscription stands and is replayed on reconnect.
			n.log.Debug("bus: flush after subscribe", "subject", subject, "err", err)
		}
	}
	return sync.OnceFunc(func() {
		// nats.go drops messages for a removed subscription as soon as
		// Unsubscribe returns, even those the server already sent.
		err := sub.Unsubscribe()
		if err != nil && !errors.Is(err, nats.ErrConnectionClosed) && !errors.Is(err, nats.ErrBadSubscription) {
			n.log.Warn("bus: unsubscribe", "subject", subject, "err", err)
		}
	}), nil
}

// Ping checks that the NATS server answers, for readiness probes.
func (n *NATS) Ping(ctx context.Context) error {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	if err := n.nc.FlushWithContext(ctx); err != nil {
		return fmt.Errorf("bus: ping NATS: %w", closedErr(err))
	}
	return nil
}

// Drain shuts the connection down gracefully: it stops the subscriptions,
// lets their fn finish the messages already received, sends what Publish
// buffered, and closes. If ctx ends first, it closes at once.
func (n *NATS) Drain(ctx context.Context) error {
	if err := n.nc.Drain(); err != nil {
		n.nc.Close()
		if errors.Is(err, nats.ErrConnectionClosed) {
			return nil
		}
		return fmt.Errorf("bus: drain NATS: %w", err)
	}
	select {
	case <-n.closed:
		return nil
	case <-ctx.Done():
		n.nc.Close()
		return fmt.Errorf("bus: drain NATS: %w", ctx.Err())
	}
}

// Close closes the connection at once, dropping anything buffered.
func (n *NATS) Close() error {
	n.nc.Close()
	return nil
}

// closedErr marks the errors of a closed or closing connection as
// ErrClosed, so callers need not know nats.go's errors.
func closedErr(err error) error {
	if errors.Is(err, nats.ErrConnectionClosed) || errors.Is(err, nats.ErrConnectionDraining) {
		return fmt.Errorf("%w: %w", ErrClosed, err)
	}
	return err
}

// redactURLs masks the credentials in a comma-separated list of URLs, so
// that logs and errors can name the servers.
func redactURLs(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		u, err := neturl.Parse(p)
		switch {
		case err != nil && strings.Contains(p, "@"):
			p = "xxxxx"
		case err == nil && u.User != nil:
			u.User = neturl.User("xxxxx")
			p = u.String()
		}
		parts[i] = p
	}
	return strings.Join(parts, ",")
}
