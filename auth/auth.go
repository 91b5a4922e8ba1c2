// Package auth issues and checks kefu's tokens: visitor session tokens,
// agent access tokens, and the identity proofs that a site signs for its
// logged-in users. It also hashes agent passwords and checks TOTP codes.
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/chat"
)

// Token audiences keep one kind of token from being used as another.
const (
	audienceVisitor = "kefu:visitor"
	audienceAgent   = "kefu:agent"
	issuer          = "kefu"
)

// Lifetimes of the tokens kefu issues.
const (
	VisitorTokenTTL = 30 * 24 * time.Hour
	AccessTokenTTL  = 15 * time.Minute
	RefreshTokenTTL = 30 * 24 * time.Hour
)

// Issuer signs and verifies kefu's own tokens with one server secret.
type Issuer struct {
	key []byte
	now func() time.Time
}

// NewIssuer returns an Issuer. Keys are derived from secret, one per token
// kind, so that no token kind can be forged from another.
func NewIssuer(secret []byte, now func() time.Time) *Issuer {
	if now == nil {
		now = time.Now
	}
	return &Issuer{key: secret, now: now}
}

func (i *Issuer) derive(purpose string) []byte {
	m := hmac.New(sha256.New, i.key)
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// VisitorClaims is what a visitor session token says.
type VisitorClaims struct {
	Site      string
	VisitorID string
	Verified  bool
	ExpiresAt time.Time
}

type visitorJWT struct {
	Site     string `json:"site"`
	Verified bool   `json:"vfd,omitempty"`
	jwt.RegisteredClaims
}

// VisitorToken returns a session token for a visitor of site.
func (i *Issuer) VisitorToken(c VisitorClaims) (string, time.Time, error) {
	now := i.now()
	exp := now.Add(VisitorTokenTTL)
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, visitorJWT{
		Site:     c.Site,
		Verified: c.Verified,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    issuer,
			Subject:   c.VisitorID,
			Audience:  jwt.ClaimStrings{audienceVisitor},
			IssuedAt:  jwt.NewNumericDate(now),
			ExpiresAt: jwt.NewNumericDate(exp),
		},
	})
	s, err := t.SignedString(i.derive(audienceVisitor))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign visitor token: %w", err)
	}
	return s, exp, nil
}

// ParseVisitor checks a visitor session token.
func (i *Issuer) ParseVisitor(token string) (VisitorClaims, error) {
	var c visitorJWT
	if err := i.parse(token, audienceVisitor, &c); err != nil {
		return VisitorClaims{}, err
	}
	if !chat.ValidKey(c.Site) || !chat.ValidKey(c.Subject) {
		return VisitorClaims{}, chat.Errorf(chat.CodeUnauthorized, "invalid session token")
	}
	return VisitorClaims{Site: c.Site, VisitorID: c.Subject, Verified: c.Verified, ExpiresAt: c.ExpiresAt.Time}, nil
}

// AgentClaims is what an agent access token says.
type AgentClaims struct {
	AgentID string
	// Session is the login the token belongs to (its refresh-token
	// family), so that ending the login ends the token too.
	Session   string
	ExpiresAt time.Time
}

// AccessToken returns a short-lived access token for an agent's session.
func (i *Issuer) AccessToken(agentID, session string) (string, time.Time, error) {
	now := i.now()
	exp := now.Add(AccessTokenTTL)
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.RegisteredClaims{
		Issuer:    issuer,
		Subject:   agentID,
		ID:        session,
		Audience:  jwt.ClaimStrings{audienceAgent},
		IssuedAt:  jwt.NewNumericDate(now),
		ExpiresAt: jwt.NewNumericDate(exp),
	})
	s, err := t.SignedString(i.derive(audienceAgent))
	if err != nil {
		return "", time.Time{}, fmt.Errorf("auth: sign access token: %w", err)
	}
	return s, exp, nil
}

// ParseAccess checks an agent access token.
func (i *Issuer) ParseAccess(token string) (AgentClaims, error) {
	var c jwt.RegisteredClaims
	if err := i.parse(token, audienceAgent, &c); err != nil {
		return AgentClaims{}, err
	}
	if !chat.ValidKey(c.Subject) {
		return AgentClaims{}, chat.Errorf(chat.CodeUnauthorized, "invalid access token")
	}
	return AgentClaims{AgentID: c.Subject, Session: c.ID, ExpiresAt: c.ExpiresAt.Time}, nil
}

func (i *Issuer) parse(token, audience string, claims jwt.Claims) error {
	if len(token) == 0 || len(token) > 4096 {
		return chat.Errorf(chat.CodeUnauthorized, "missing or malformed token")
	}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) {
		return i.derive(audience), nil
	},
		jwt.WithValidMethods([]string{"HS256"}),
		jwt.WithAudience(audience),
		jwt.WithIssuer(issuer),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(i.now),
	)
	if err != nil {
		if errors.Is(err, jwt.ErrTokenExpired) {
			return chat.Wrap(chat.CodeUnauthorized, err, "token expired")
		}
		return chat.Wrap(chat.CodeUnauthorized, err, "invalid token")
	}
	return nil
}

// NewRefreshToken returns a random refresh token and the hash to store.
func NewRefreshToken() (token, hash string) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("auth: crypto/rand failed: " + err.Error())
	}
	token = hex.EncodeToString(b[:])
	return token, HashRefreshToken(token)
}

// NextRefreshToken returns the refresh token that replaces token when it
// is used, and the hash to store. It is the same on every use of token, so
// a retry after a lost answer, or two tabs refreshing at once, get one next
// token rather than a chain each; only the server's secret makes it, so
// an old token does not tell anyone its successors.
func (i *Issuer) NextRefreshToken(token string) (next, hash string) {
	m := hmac.New(sha256.New, i.derive("refresh-next"))
	m.Write([]byte(token))
	next = hex.EncodeToString(m.Sum(nil))
	return next, HashRefreshToken(next)
}

// HashRefreshToken returns the stored form of a refresh token.
func HashRefreshToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}
