// Package account holds the use cases of an agent's own login: logging in
// with a password and, if on, a second factor; keeping a login going by
// rotating its refresh token; logging out; changing the password; and
// turning two-factor login on and off. Every agent may do these for their
// own account only, so there is no role to check; what must hold is who
// may log in, and that an ended login stays ended.
//
// The package knows no transport: the server parses requests, applies its
// rate limits, and turns the results into cookies and JSON.
package account

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// Store is what the account use cases keep: agents and their refresh
// tokens.
type Store interface {
	chat.AgentStore
	chat.TokenStore
}

// Service holds the use cases of an agent's own login.
type Service struct {
	store  Store
	issuer *auth.Issuer
	now    func() time.Time
	log    *slog.Logger
	// site looks a site up, for the sites' two-factor policy; nil: no
	// site requires it (see RequireTwoFactorOf).
	site func(ctx context.Context, key string) (*chat.Site, error)
}

// RequireTwoFactorOf makes s keep the sites' two-factor policy: an agent
// whose site requires it cannot turn it off. site looks a site up by key.
func (s *Service) RequireTwoFactorOf(site func(ctx context.Context, key string) (*chat.Site, error)) {
	s.site = site
}

// New returns a Service. now may be nil for time.Now, log nil for none.
func New(store Store, issuer *auth.Issuer, now func() time.Time, log *slog.Logger) *Service {
	if now == nil {
		now = time.Now
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: store, issuer: issuer, now: now, log: log}
}

// Tokens are what a login holds: a short-lived access token, and the
// refresh token, stored by its hash, that gets the next one.
type Tokens struct {
	Access         string
	AccessExpires  time.Time
	Refresh        string
	RefreshExpires time.Time
}

// startLogin stores a new refresh token of the family and returns it with
// an access token of the same login.
func (s *Service) startLogin(ctx context.Context, agentID, family string) (Tokens, error) {
	token, hash := auth.NewRefreshToken()
	rt := s.refreshToken(agentID, family, hash)
	if err := s.store.CreateRefreshToken(ctx, rt); err != nil {
		return Tokens{}, fmt.Errorf("account: store refresh token: %w", err)
	}
	return s.tokens(agentID, family, token, rt.ExpiresAt)
}

// refreshToken is a new refresh token of the family, good from now for
// auth.RefreshTokenTTL.
func (s *Service) refreshToken(agentID, family, hash string) *chat.RefreshToken {
	now := s.now()
	return &chat.RefreshToken{Hash: hash, AgentID: agentID, Family: family, ExpiresAt: now.Add(auth.RefreshTokenTTL), CreatedAt: now}
}

// tokens adds an access token of the login to its refresh token.
func (s *Service) tokens(agentID, family, refresh string, refreshExp time.Time) (Tokens, error) {
	access, exp, err := s.issuer.AccessToken(agentID, family)
	if err != nil {
		return Tokens{}, err
	}
	return Tokens{Access: access, AccessExpires: exp, Refresh: refresh, RefreshExpires: refreshExp}, nil
}

// agent reads an agent afresh, so that a change made since the request
// began is kept when the agent is written back.
func (s *Service) agent(ctx context.Context, id string) (*chat.Agent, error) {
	a, err := s.store.Agent(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("account: read agent: %w", err)
	}
	return a, nil
}

// save writes an agent read with s.agent.
func (s *Service) save(ctx context.Context, a *chat.Agent) error {
	if err := s.store.UpdateAgent(ctx, a); err != nil {
		return fmt.Errorf("account: update agent: %w", err)
	}
	return nil
}
