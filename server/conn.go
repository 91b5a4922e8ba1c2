package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/contrib/websocket"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// Socket roles.
const (
	roleVisitor = "visitor"
	roleAgent   = "agent"
)

// Close codes; see docs/protocol.md.
const (
	closeGoingAway   = 1001 // server shutting down: reconnect
	closePolicy      = 1008 // protocol violation: do not reconnect
	closeTooSlow     = 4000 // send queue full: reconnect
	closeAuthFailed  = 4001 // get a new token first
	closeForbidden   = 4003 // the origin is not allowed, or the agent must enrol in two-factor login
	closeRateLimited = 4008 // reconnect after a pause
)

// conn is one websocket. Its read loop runs in the handler goroutine and
// handles frames in order; its write loop owns all writes. Events reach it
// through a bounded queue, and a socket that lets the queue fill is closed
// rather than allowed to block anyone.
type conn struct {
	id        string
	s         *Server
	ws        *websocket.Conn
	ip        string
	origin    string
	ua        string // the browser's User-Agent, for live visitors
	role      string
	sites     []string
	visitorID string
	actorSite string // a visitor's site
	agent     *chat.Agent
	// presence is what an agent's socket says of the agent; the hub's mu
	// guards it.
	presence chat.Presence
	// login is an agent socket's access token, once authenticated: the
	// socket ends when the token expires or its login ends (checkLogin).
	// The write loop reads it while authentication may still run.
	login atomic.Pointer[auth.AgentClaims]

	send      chan []byte
	done      chan struct{}
	closeOnce sync.Once
	closeCode int
	closeText string
	refused   int // rate-limited frames in a row
}

// enqueue queues a frame without ever blocking.
func (c *conn) enqueue(b []byte) {
	select {
	case <-c.done:
	case c.send <- b:
	default:
		c.s.metrics.dropped.Inc()
		c.close(closeTooSlow, "too slow; reconnect")
	}
}

// close asks the write loop to send a close frame and end the socket.
func (c *conn) close(code int, text string) {
	c.closeOnce.Do(func() {
		c.closeCode, c.closeText = code, text
		close(c.done)
	})
}

// writeLoop sends queued frames and pings until the socket closes.
func (c *conn) writeLoop(finished chan<- struct{}) {
	defer close(finished)
	ping := time.NewTicker(c.s.opts.Limits.PingInterval)
	defer ping.Stop()
	const writeWait = 10 * time.Second
	for {
		select {
		case b := <-c.send:
			_ = c.ws.SetWriteDeadline(time.Now().Add(writeWait))
			if err := c.ws.WriteMessage(websocket.TextMessage, b); err != nil {
				c.close(closeGoingAway, "")
				_ = c.ws.Close()
				return
			}
		case <-ping.C:
			if err := c.ws.WriteControl(websocket.PingMessage, nil, time.Now().Add(writeWait)); err != nil {
				c.close(closeGoingAway, "")
				_ = c.ws.Close()
				return
			}
			if l := c.login.Load(); l != nil {
				go c.checkLogin(*l) // a database read: not in the write loop
			}
		case <-c.done:
			// Flush what is queued (an ack may be waiting), then close.
			deadline := time.Now().Add(time.Second)
			_ = c.ws.SetWriteDeadline(deadline)
			for flushing := true; flushing; {
				select {
				case b := <-c.send:
					if c.ws.WriteMessage(websocket.TextMessage, b) != nil {
						flushing = false
					}
				default:
					flushing = false
				}
			}
			_ = c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(c.closeCode, c.closeText), deadline)
			_ = c.ws.Close()
			return
		}
	}
}

// checkLogin closes an agent socket whose access token expired, or whose
// login ended (logout, a replayed refresh token, a password change, a
// disabled account): the inbox then reconnects with a fresh token, which
// an ended login cannot get. It runs once per ping.
func (c *conn) checkLogin(login auth.AgentClaims) {
	if c.s.opts.Now().After(login.ExpiresAt) {
		c.close(closeAuthFailed, "token expired; get a new one")
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.s.sessionLive(ctx, login); chat.IsCode(err, chat.CodeUnauthorized) {
		c.close(closeAuthFailed, "this login has ended; log in again")
	}
}
