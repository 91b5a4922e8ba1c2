package server_test

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/client"
)

func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var ae *client.APIError
	if !errors.As(err, &ae) || ae.Status != status {
		t.Fatalf("got %v, want HTTP %d", err, status)
	}
}

// TestSitesAreWalledOff checks that an agent of site B, and a visitor
// other than the owner, get 404 for everything of a conversation of site A,
// exactly as for an id that does not exist.
func TestSitesAreWalledOff(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	if _, err := e.client().Reply(ctx, e.agentA, v.conv.ID, "secret of site a", ""); err != nil {
		t.Fatal(err)
	}
	other := e.mustVisitor(ctx, "site-a")
	c := e.client()
	id := v.conv.ID
	for _, target := range []struct{ name, id string }{{"site A's conversation", id}, {"an id that does not exist", "nonexistent0000000000"}} {
		t.Run(target.name, func(t *testing.T) {
			tests := []struct {
				name   string
				method string
				path   string
				token  string
				body   any
			}{
				{"agent B reads it", "GET", "/api/v1/conversations/" + target.id, e.agentB, nil},
				{"agent B reads messages", "GET", "/api/v1/conversations/" + target.id + "/messages", e.agentB, nil},
				{"agent B writes", "POST", "/api/v1/conversations/" + target.id + "/messages", e.agentB, map[string]string{"text": "hi"}},
				{"agent B resolves", "POST", "/api/v1/conversations/" + target.id + "/status", e.agentB, map[string]string{"status": "resolved"}},
				{"agent B assigns", "POST", "/api/v1/conversations/" + target.id + "/assign", e.agentB, map[string]string{"agent_id": ""}},
				{"agent B names site A", "GET", "/api/v1/conversations?site=site-a", e.agentB, nil},
				{"another visitor reads", "GET", "/api/v1/widget/site-a/conversations/" + target.id + "/messages", other.sess.Token, nil},
				{"another visitor rates", "POST", "/api/v1/widget/site-a/conversations/" + target.id + "/rating", other.sess.Token, map[string]any{"rating": 1}},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					wantStatus(t, c.Do(ctx, tt.method, tt.path, tt.token, tt.body, nil), http.StatusNotFound)
				})
			}
		})
	}
	t.Run("visitor token of site A on site B's routes", func(t *testing.T) {
		wantStatus(t, c.Do(ctx, "GET", "/api/v1/widget/site-b/conversations", v.sess.Token, nil, nil), http.StatusUnauthorized)
	})
	t.Run("websocket", func(t *testing.T) {
		agentB := e.mustAgentSocket(ctx, e.agentB)
		for _, f := range []client.Frame{
			{Type: "send", ConversationID: id, ClientID: "x", Text: "hi"},
			{Type: "resume", ConversationID: id},
			{Type: "read", ConversationID: id, Seq: 1},
			{Type: "typing", ConversationID: id, Typing: true},
			{Type: "resume", ConversationID: id, Site: "site-a"},
		} {
			for _, ws := range []*client.Socket{agentB, other.ws} {
				if err := ws.Send(f); err != nil {
					t.Fatal(err)
				}
				got, err := ws.ExpectType(ctx, "error")
				if err != nil {
					t.Fatal(err)
				}
				if got.Code != "not_found" {
					t.Fatalf("%s: %s", f.Type, got.Raw)
				}
			}
		}
		// Nothing of site A reached them.
		if err := agentB.Send(client.Frame{Type: "ping"}); err != nil {
			t.Fatal(err)
		}
		if f := nextBesidesPresence(ctx, t, agentB, "site-b"); f.Type != "pong" {
			t.Fatalf("agent B got %s", f.Raw)
		}
	})
	// The owner still sees everything, unchanged.
	msgs, err := c.Messages(ctx, e.agentA, id, 0)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("messages = %v, %v", msgs, err)
	}
}

func TestIdentityVerification(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	c := e.client()
	secretA := e.siteA.IdentitySecret
	signed := func(secret, sub, aud string, ttl time.Duration) string {
		s, err := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": sub, "aud": aud, "exp": time.Now().Add(ttl).Unix(), "name": "Li Lei"}).SignedString([]byte(secret))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	good, err := c.NewSession(ctx, "site-a", &client.Identity{ID: "user-42", Name: "Whoever The Page Says", Hash: auth.UserHash(secretA, "user-42")})
	if err != nil || !good.Verified {
		t.Fatalf("valid hash: %+v %v", good, err)
	}
	conv, err := c.StartConversation(ctx, "site-a", good.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	// A hash proves the user id only: the name is the page's word.
	var seen struct {
		Conversation struct {
			Visitor chat.Visitor `json:"visitor"`
		} `json:"conversation"`
	}
	if err := c.Do(ctx, "GET", "/api/v1/conversations/"+conv.ID, e.agentA, nil, &seen); err != nil {
		t.Fatal(err)
	}
	if v := seen.Conversation.Visitor; !v.Verified || v.ProfileVerified || v.Name != "Whoever The Page Says" {
		t.Fatalf("a hash session's visitor: %+v, want a verified id and an unverified name", v)
	}
	tests := []struct {
		name string
		user client.Identity
	}{
		{"empty hash", client.Identity{ID: "user-42"}},
		{"hash of another user", client.Identity{ID: "user-42", Hash: auth.UserHash(secretA, "user-43")}},
		{"hash with another site's secret", client.Identity{ID: "user-42", Hash: auth.UserHash(e.siteB.IdentitySecret, "user-42")}},
		{"token with another site's secret", client.Identity{Token: signed(e.siteB.IdentitySecret, "user-42", "site-a", time.Hour)}},
		{"token for another site", client.Identity{Token: signed(secretA, "user-42", "site-b", time.Hour)}},
		{"expired token", client.Identity{Token: signed(secretA, "user-42", "site-a", -time.Minute)}},
		{"token living too long", client.Identity{Token: signed(secretA, "user-42", "site-a", 90*24*time.Hour)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.NewSession(ctx, "site-a", &tt.user)
			wantStatus(t, err, http.StatusUnauthorized)
		})
	}
	t.Run("valid token is the same user on another browser", func(t *testing.T) {
		s, err := c.NewSession(ctx, "site-a", &client.Identity{Token: signed(secretA, "user-42", "site-a", time.Hour)})
		if err != nil || !s.Verified || s.VisitorID != good.VisitorID {
			t.Fatalf("token session = %+v, %v; want visitor %s", s, err, good.VisitorID)
		}
		again, err := c.StartConversation(ctx, "site-a", s.Token, "")
		if err != nil || again.ID != conv.ID {
			t.Fatalf("history not shared: %v %v", again, err)
		}
	})
	t.Run("only a signed name is verified", func(t *testing.T) {
		visitor := func() (name string, verified, profileVerified bool) {
			var out struct {
				Conversation struct {
					Visitor struct {
						Name            string `json:"name"`
						Verified        bool   `json:"verified"`
						ProfileVerified bool   `json:"profile_verified"`
					} `json:"visitor"`
				} `json:"conversation"`
			}
			if err := c.Do(ctx, "GET", "/api/v1/conversations/"+conv.ID, e.agentA, nil, &out); err != nil {
				t.Fatal(err)
			}
			v := out.Conversation.Visitor
			return v.Name, v.Verified, v.ProfileVerified
		}
		// The token of the subtest before signed "Li Lei".
		if name, verified, profile := visitor(); name != "Li Lei" || !verified || !profile {
			t.Fatalf("after a signed name: %q verified %v profile %v, want Li Lei, true, true", name, verified, profile)
		}
		if _, err := c.NewSession(ctx, "site-a", &client.Identity{ID: "user-42", Name: "Mallory", Hash: auth.UserHash(secretA, "user-42")}); err != nil {
			t.Fatal(err)
		}
		if name, _, profile := visitor(); name != "Li Lei" || !profile {
			t.Fatalf("a page's name replaced a signed one: %q profile %v", name, profile)
		}
	})
	t.Run("an anonymous session cannot take over the verified user", func(t *testing.T) {
		anon, err := c.NewSession(ctx, "site-a", nil)
		if err != nil {
			t.Fatal(err)
		}
		// Renewing with the verified token but no proof gives a new
		// anonymous visitor, not the verified one.
		renewed := struct {
			VisitorID string `json:"visitor_id"`
			Verified  bool   `json:"verified"`
		}{}
		if err := c.Do(ctx, "POST", "/api/v1/widget/site-a/session", "", map[string]string{"token": good.Token}, &renewed); err != nil {
			t.Fatal(err)
		}
		if renewed.VisitorID == good.VisitorID || renewed.Verified {
			t.Fatalf("renewing a verified token without proof gave %+v", renewed)
		}
		wantStatus(t, c.Do(ctx, "GET", "/api/v1/widget/site-a/conversations/"+conv.ID+"/messages", anon.Token, nil, nil), http.StatusNotFound)
	})
}

func TestOriginRejection(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	e.mustSite(ctx, e.store, "walled", []string{"https://shop.example.com"})
	tests := []struct {
		name   string
		origin string
		want   int
	}{
		{"allowed origin", "https://shop.example.com", 0},
		{"kefu's own origin (the widget iframe)", e.url, 0},
		{"another origin", "https://evil.example.net", http.StatusForbidden},
		{"lookalike origin", "https://shop.example.com.evil.net", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := e.client()
			c.Origin = tt.origin
			_, err := c.NewSession(ctx, "walled", nil)
			if tt.want == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			wantStatus(t, err, tt.want)
		})
	}
	t.Run("websocket from another origin closes with 4003", func(t *testing.T) {
		c := e.client()
		s, err := c.NewSession(ctx, "walled", nil)
		if err != nil {
			t.Fatal(err)
		}
		c.Origin = "https://evil.example.net"
		_, f, err := c.Dial(ctx, s.Token)
		if err == nil || f.Code != "forbidden" {
			t.Fatalf("socket from a foreign origin: %v %s", err, f.Raw)
		}
	})
	t.Run("agent socket from another origin is refused", func(t *testing.T) {
		c := e.client()
		c.Origin = "https://evil.example.net"
		if _, f, err := c.Dial(ctx, e.agentA); err == nil || f.Code != "forbidden" {
			t.Fatalf("agent socket from a foreign origin: %v %s", err, f.Raw)
		}
	})
}

// Numbers out of range in a query are a clear 400, never a 500 or a
// silent default.
func TestOutOfRangeQueryNumbers(t *testing.T) {
	e := startEnv(t)
	ctx := ctxT(t)
	v := e.mustVisitor(ctx, "site-a")
	base := "/api/v1/conversations/" + v.conv.ID + "/messages"
	tests := []struct {
		name, query string
		want        int
	}{
		{"largest seq", "?after_seq=9223372036854775807", 200},
		{"seq past int64", "?after_seq=9223372036854775808", 400},
		{"negative seq", "?after_seq=-1", 400},
		{"limit past int64", "?limit=99999999999999999999", 400},
		{"zero limit", "?limit=0", 400},
		{"huge limit is capped", "?limit=1000000", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := e.client().Do(ctx, "GET", base+tt.query, e.agentA, nil, nil)
			got := 200
			if ae, ok := err.(*client.APIError); ok {
				got = ae.Status
			} else if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Fatalf("GET %s = %d (%v), want %d", tt.query, got, err, tt.want)
			}
		})
	}
	for _, path := range []string{"/api/v1/conversations?limit=abc", "/api/v1/feedback?limit=-5"} {
		err := e.client().Do(ctx, "GET", path, e.agentA, nil, nil)
		if ae, ok := err.(*client.APIError); !ok || ae.Status != 400 {
			t.Fatalf("GET %s = %v, want 400", path, err)
		}
	}
}
