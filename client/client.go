// Package client is a small Go client for kefu's HTTP API and websocket
// protocol, as a visitor's widget or an agent's inbox would use them. The
// tests and the load tool use it; integrations may too.
package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/kefu/kefu/chat"
)

// Client talks to one kefu server.
type Client struct {
	// BaseURL is kefu's public URL, such as http://127.0.0.1:8080.
	BaseURL string
	// Origin, if set, is sent as the Origin header, as a browser on that
	// page would.
	Origin string
	// Header holds more headers for every request and dial, such as the
	// X-Forwarded-For a proxy in front of kefu would add.
	Header http.Header
	HTTP   *http.Client
}

// New returns a Client for baseURL.
func New(baseURL string) *Client {
	return &Client{BaseURL: strings.TrimRight(baseURL, "/"), HTTP: &http.Client{}}
}

// APIError is an error answer of the API.
type APIError struct {
	Status  int
	Code    string
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("kefu: %d %s: %s", e.Status, e.Code, e.Message)
}

// Do sends a request with a JSON body (if body is not nil) and bearer token
// (if not empty), and decodes a JSON answer into out (if not nil).
func (c *Client) Do(ctx context.Context, method, path, token string, body, out any) error {
	var rd io.Reader
	ctype := ""
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return fmt.Errorf("kefu: encode body: %w", err)
		}
		rd, ctype = bytes.NewReader(b), "application/json"
	}
	return c.send(ctx, method, path, token, ctype, rd, out)
}

// Attachment is an uploaded file as the API answers it.
type Attachment struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Type         string `json:"type"`
	Size         int64  `json:"size"`
	URL          string `json:"url"`
	ThumbnailURL string `json:"thumbnail_url"`
}

// Upload sends a file to an attachments endpoint (path) as the multipart
// field "file", with the visitor's or agent's token.
func (c *Client) Upload(ctx context.Context, path, token, name string, data []byte) (*Attachment, error) {
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, err := w.CreateFormFile("file", name)
	if err == nil {
		_, err = part.Write(data)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("kefu: encode upload: %w", err)
	}
	var out struct {
		Attachment Attachment `json:"attachment"`
	}
	if err := c.send(ctx, http.MethodPost, path, token, w.FormDataContentType(), &body, &out); err != nil {
		return nil, err
	}
	return &out.Attachment, nil
}

// send sends a request with a body of type ctype (if rd is not nil) and
// decodes a JSON answer into out (if not nil).
func (c *Client) send(ctx context.Context, method, path, token, ctype string, rd io.Reader, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("kefu: %w", err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if c.Origin != "" {
		req.Header.Set("Origin", c.Origin)
	}
	for k, vs := range c.Header {
		req.Header[k] = vs
	}
	res, err := c.HTTP.Do(req)
	if err != nil {
		return fmt.Errorf("kefu: %s %s: %w", method, path, err)
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, 16<<20))
	if err != nil {
		return fmt.Errorf("kefu: read answer: %w", err)
	}
	if res.StatusCode >= 400 {
		var e struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(data, &e)
		return &APIError{Status: res.StatusCode, Code: e.Error.Code, Message: e.Error.Message}
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("kefu: decode answer of %s %s: %w", method, path, err)
		}
	}
	return nil
}

// Conversation is a conversation as the API shows it.
type Conversation struct {
	chat.Conversation
	LastMessage *chat.Message `json:"last_message,omitempty"`
	Visitor     *chat.Visitor `json:"visitor,omitempty"`
}

// Session is a visitor's session.
type Session struct {
	Token     string `json:"token"`
	VisitorID string `json:"visitor_id"`
	Verified  bool   `json:"verified"`
	ExpiresIn int    `json:"expires_in"`
}

// Identity is a site's proof of a logged-in user; see docs/identity.md.
type Identity struct {
	ID    string `json:"id,omitempty"`
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Hash  string `json:"hash,omitempty"`
	Token string `json:"token,omitempty"`
}

// NewSession starts a visitor session on site, optionally as a verified user.
func (c *Client) NewSession(ctx context.Context, site string, user *Identity) (*Session, error) {
	var s Session
	body := map[string]any{}
	if user != nil {
		body["user"] = user
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/widget/"+site+"/session", "", body, &s)
	return &s, err
}

// StartConversation returns the visitor's open conversation or starts one.
func (c *Client) StartConversation(ctx context.Context, site, token, topic string) (*Conversation, error) {
	var out struct {
		Conversation Conversation `json:"conversation"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/widget/"+site+"/conversations", token, map[string]string{"topic": topic}, &out)
	return &out.Conversation, err
}

// Refresh trades the refresh cookie in c.HTTP's cookie jar for a new
// access token; the server rotates the cookie in the jar.
func (c *Client) Refresh(ctx context.Context) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/auth/refresh", "", nil, &out)
	return out.AccessToken, err
}

// Login logs an agent in and returns an access token.
func (c *Client) Login(ctx context.Context, email, password, totp string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password, "totp": totp}, &out)
	return out.AccessToken, err
}

// Reply posts an agent's message to a conversation over REST.
func (c *Client) Reply(ctx context.Context, token, conversationID, text, clientID string) (*chat.Message, error) {
	var out struct {
		Message chat.Message `json:"message"`
	}
	err := c.Do(ctx, http.MethodPost, "/api/v1/conversations/"+conversationID+"/messages", token,
		map[string]string{"text": text, "client_id": clientID}, &out)
	return &out.Message, err
}

// Messages lists a conversation's messages after afterSeq, as an agent.
func (c *Client) Messages(ctx context.Context, token, conversationID string, afterSeq int64) ([]chat.Message, error) {
	var out struct {
		Messages []chat.Message `json:"messages"`
	}
	err := c.Do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/conversations/%s/messages?after_seq=%d&limit=200", conversationID, afterSeq), token, nil, &out)
	return out.Messages, err
}
