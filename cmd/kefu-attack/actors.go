package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/kefu/kefu/client"
)

// visitor is a visitor of the site with a session, an open conversation
// and an authenticated websocket.
type visitor struct {
	token string
	conv  string
	ws    *client.Socket
}

// newVisitor starts a visitor. xff, if not empty, is sent as
// X-Forwarded-For, as a trusted proxy would for a client at that address.
func (k *kefuProc) newVisitor(ctx context.Context, xff string) (*visitor, error) {
	c := client.New(k.URL)
	if xff != "" {
		c.Header = http.Header{"X-Forwarded-For": {xff}}
	}
	s, err := c.NewSession(ctx, site, nil)
	if err != nil {
		return nil, fmt.Errorf("visitor session: %w", err)
	}
	conv, err := c.StartConversation(ctx, site, s.Token, "")
	if err != nil {
		return nil, fmt.Errorf("start a conversation: %w", err)
	}
	ws, _, err := c.Dial(ctx, s.Token)
	if err != nil {
		return nil, fmt.Errorf("visitor socket: %w", err)
	}
	return &visitor{token: s.Token, conv: conv.ID, ws: ws}, nil
}

// send sends a message and returns the server's answer to it: its ack or
// an error frame about it.
func (v *visitor) send(ctx context.Context, clientID, text string) (client.Frame, error) {
	if err := v.ws.Send(client.Frame{Type: "send", ConversationID: v.conv, ClientID: clientID, Text: text}); err != nil {
		return client.Frame{}, fmt.Errorf("send %s: %w", clientID, err)
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	f, err := v.ws.Expect(ctx, func(f client.Frame) bool {
		return (f.Type == "ack" || f.Type == "error") && f.ClientID == clientID
	})
	if err != nil {
		return f, fmt.Errorf("no answer to send %s: %w", clientID, err)
	}
	return f, nil
}

// resendUntilAcked resends clientID's message, as the widget does, while
// kefu answers "unavailable, retry", for up to d.
func (v *visitor) resendUntilAcked(ctx context.Context, clientID string, d time.Duration) (client.Frame, error) {
	deadline := time.Now().Add(d)
	for {
		f, err := v.send(ctx, clientID, "resent")
		if err != nil || f.Type == "ack" {
			return f, err
		}
		if !f.Retry || time.Now().After(deadline) {
			return f, fmt.Errorf("a resend got %s", describe(f))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// describe shows a frame in an error message.
func describe(f client.Frame) string {
	if f.Type == "error" {
		return fmt.Sprintf("error %s (%s, retry %v)", f.Code, f.Text, f.Retry)
	}
	if len(f.Raw) > 0 {
		return string(f.Raw)
	}
	return fmt.Sprintf("%q frame", f.Type)
}

// session is what a login or refresh hands out.
type session struct {
	access  string // the access token
	refresh string // the refresh cookie's value
}

// login logs the owner in with password, sending the extra headers, and
// returns the answer and, on success, the tokens.
func (k *kefuProc) login(ctx context.Context, password string, extra ...string) (response, session, error) {
	h := headers("Content-Type", "application/json", "Origin", k.URL)
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	r, err := k.do(ctx, "POST", "/api/v1/auth/login", jsonBody(map[string]string{"email": ownerEmail, "password": password}), h)
	if err != nil {
		return r, session{}, err
	}
	return r, r.session(), nil
}

// session reads the tokens of a login or refresh answer.
func (r response) session() session {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if r.status != http.StatusOK || json.Unmarshal(r.body, &out) != nil {
		return session{}
	}
	return session{access: out.AccessToken, refresh: r.cookie("kefu_refresh")}
}

// loginOwner logs the owner in and returns an access token.
func (k *kefuProc) loginOwner(ctx context.Context) (string, error) {
	r, s, err := k.login(ctx, ownerPassword)
	if err != nil {
		return "", err
	}
	if s.access == "" || s.refresh == "" {
		return "", fmt.Errorf("the owner's login = %s", r)
	}
	return s.access, nil
}

// refresh posts to the refresh endpoint with a refresh cookie, as the
// inbox does.
func (k *kefuProc) refresh(ctx context.Context, cookie string) (response, error) {
	return k.cookiePost(ctx, "/api/v1/auth/refresh", cookie, "Origin", k.URL)
}

// cookiePost posts with no body, the refresh cookie (if not empty) and
// the extra headers.
func (k *kefuProc) cookiePost(ctx context.Context, path, cookie string, extra ...string) (response, error) {
	h := headers(extra...)
	if cookie != "" {
		h.Set("Cookie", "kefu_refresh="+cookie)
	}
	return k.do(ctx, "POST", path, nil, h)
}

// me returns the status of GET /api/v1/me with access: 200 while that
// login lives.
func (k *kefuProc) me(ctx context.Context, access string) (int, error) {
	r, err := k.do(ctx, "GET", "/api/v1/me", nil, headers("Authorization", "Bearer "+access))
	return r.status, err
}
