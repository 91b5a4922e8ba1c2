package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/fasthttp/websocket"

	"github.com/kefu/kefu/chat"
)

// Frame is any frame of the websocket protocol; see docs/protocol.md.
type Frame struct {
	V              int               `json:"v,omitempty"`
	Type           string            `json:"type"`
	ID             string            `json:"id,omitempty"`
	Token          string            `json:"token,omitempty"`
	Site           string            `json:"site,omitempty"`
	Role           string            `json:"role,omitempty"`
	VisitorID      string            `json:"visitor_id,omitempty"`
	AgentID        string            `json:"agent_id,omitempty"`
	AgentsOnline   *bool             `json:"agents_online,omitempty"`
	Agents         map[string]string `json:"agents,omitempty"` // an agent's presence by id, for agents
	ConversationID string            `json:"conversation_id,omitempty"`
	Conversations  []Conversation    `json:"conversations,omitempty"`
	Conversation   *Conversation     `json:"conversation,omitempty"`
	ClientID       string            `json:"client_id,omitempty"`
	Text           string            `json:"text,omitempty"`
	Private        bool              `json:"private,omitempty"`
	Attachments    []string          `json:"attachments,omitempty"` // ids, in a send frame
	Message        *chat.Message     `json:"message,omitempty"`
	Messages       []chat.Message    `json:"messages,omitempty"`
	Duplicate      bool              `json:"duplicate,omitempty"`
	Author         *chat.Author      `json:"author,omitempty"`
	Typing         bool              `json:"typing,omitempty"`
	Viewing        bool              `json:"viewing,omitempty"`
	Seq            int64             `json:"seq,omitempty"`
	LastSeq        int64             `json:"last_seq,omitempty"`
	State          string            `json:"state,omitempty"`
	Status         string            `json:"status,omitempty"`
	Code           string            `json:"code,omitempty"`
	Ref            string            `json:"ref,omitempty"`
	Retry          bool              `json:"retry,omitempty"`
	Raw            json.RawMessage   `json:"-"`
}

// Socket is an open, authenticated websocket.
type Socket struct {
	ws       *websocket.Conn
	frames   chan Frame
	mu       sync.Mutex // guards pending
	pending  []Frame
	wmu      sync.Mutex
	closeErr error // how the socket ended, set before frames is closed
}

// CloseError is how a socket ended.
type CloseError struct {
	Code int
	Text string
}

func (e *CloseError) Error() string { return fmt.Sprintf("kefu: socket closed: %d %s", e.Code, e.Text) }

// Dial opens the websocket and authenticates with token (a visitor session
// token or an agent access token) in the first frame. It returns the
// server's ready frame.
func (c *Client) Dial(ctx context.Context, token string) (*Socket, Frame, error) {
	s, err := c.DialRaw(ctx)
	if err != nil {
		return nil, Frame{}, err
	}
	if err := s.Send(Frame{Type: "auth", Token: token}); err != nil {
		s.Close()
		return nil, Frame{}, err
	}
	f, err := s.Next(ctx)
	if err != nil {
		s.Close()
		return nil, Frame{}, err
	}
	if f.Type != "ready" {
		s.Close()
		return nil, f, fmt.Errorf("kefu: auth refused: %s: %s", f.Code, f.Text)
	}
	return s, f, nil
}

// DialRaw opens the websocket without authenticating, for tests of what
// the server does with bad frames.
func (c *Client) DialRaw(ctx context.Context) (*Socket, error) {
	u := "ws" + strings.TrimPrefix(c.BaseURL, "http") + "/ws"
	h := c.Header.Clone()
	if h == nil {
		h = http.Header{}
	}
	if c.Origin != "" {
		h.Set("Origin", c.Origin)
	}
	ws, res, err := websocket.DefaultDialer.DialContext(ctx, u, h)
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("kefu: dial: %s: %w", res.Status, err)
		}
		return nil, fmt.Errorf("kefu: dial: %w", err)
	}
	s := &Socket{ws: ws, frames: make(chan Frame, 64)}
	go s.readLoop()
	return s, nil
}

func (s *Socket) readLoop() {
	defer close(s.frames)
	for {
		_, data, err := s.ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) {
				s.closeErr = &CloseError{Code: ce.Code, Text: ce.Text}
			} else {
				s.closeErr = err
			}
			return
		}
		s.frames <- decode(data)
	}
}

// decode parses a server frame. An error frame's "message" is its text,
// not a chat message, so it is decoded apart.
func decode(data []byte) Frame {
	var head struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(data, &head)
	var f Frame
	if head.Type == "error" {
		var e struct {
			Code     string `json:"code"`
			Message  string `json:"message"`
			Ref      string `json:"ref"`
			ClientID string `json:"client_id"`
			Retry    bool   `json:"retry"`
		}
		_ = json.Unmarshal(data, &e)
		f = Frame{Type: "error", Code: e.Code, Text: e.Message, Ref: e.Ref, ClientID: e.ClientID, Retry: e.Retry}
	} else if err := json.Unmarshal(data, &f); err != nil {
		f = Frame{Type: "undecodable"}
	}
	f.Raw = data
	return f
}

// Send writes one frame.
func (s *Socket) Send(f Frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	return s.SendRaw(b)
}

// SendRaw writes one text frame as is.
func (s *Socket) SendRaw(b []byte) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	return s.ws.WriteMessage(websocket.TextMessage, b)
}

// Next returns the next frame, in order.
func (s *Socket) Next(ctx context.Context) (Frame, error) {
	return s.Expect(ctx, func(Frame) bool { return true })
}

// Expect returns the first frame, in order, for which match is true. Frames
// passed over stay queued for later calls.
func (s *Socket) Expect(ctx context.Context, match func(Frame) bool) (Frame, error) {
	s.mu.Lock()
	for i, f := range s.pending {
		if match(f) {
			s.pending = append(s.pending[:i:i], s.pending[i+1:]...)
			s.mu.Unlock()
			return f, nil
		}
	}
	s.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return Frame{}, ctx.Err()
		case f, ok := <-s.frames:
			if !ok {
				if s.closeErr != nil {
					return Frame{}, s.closeErr
				}
				return Frame{}, errors.New("kefu: socket closed")
			}
			if match(f) {
				return f, nil
			}
			s.mu.Lock()
			s.pending = append(s.pending, f)
			s.mu.Unlock()
		}
	}
}

// ExpectType returns the first frame of type t.
func (s *Socket) ExpectType(ctx context.Context, t string) (Frame, error) {
	return s.Expect(ctx, func(f Frame) bool { return f.Type == t })
}

// Closed waits for the socket to close and returns how it closed.
func (s *Socket) Closed(ctx context.Context) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case _, ok := <-s.frames:
			if !ok {
				return s.closeErr
			}
		}
	}
}

// Close closes the socket.
func (s *Socket) Close() error { return s.ws.Close() }
