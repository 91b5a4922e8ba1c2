package chat

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// InviteTTL is how long an invite link sets a password.
const InviteTTL = 7 * 24 * time.Hour

// maxAgentName bounds an agent's name, in characters.
const maxAgentName = 100

// AgentAdmin holds the use cases of a site's agents: every agent of the
// site lists them; owners invite agents, change their name, role and
// sites, and disable them. An invited agent sets their password once,
// through the link.
type AgentAdmin struct {
	store interface {
		AgentStore
		TokenStore
	}
	bus Bus
	now func() time.Time
	// hashPassword makes the stored form of a password (auth.HashPassword).
	hashPassword func(string) (string, error)
}

// NewAgentAdmin returns an AgentAdmin. now may be nil for time.Now.
func NewAgentAdmin(store interface {
	AgentStore
	TokenStore
}, bus Bus, hashPassword func(string) (string, error), now func() time.Time) *AgentAdmin {
	if now == nil {
		now = time.Now
	}
	return &AgentAdmin{store: store, bus: bus, now: now, hashPassword: hashPassword}
}

// InviteInput is who to invite, and to which sites in which role.
type InviteInput struct {
	Email string   `json:"email"`
	Name  string   `json:"name"`
	Role  Role     `json:"role"`
	Sites []string `json:"sites"`
}

// AgentPatch is a partial change of an agent: nil fields stay.
type AgentPatch struct {
	Name     *string   `json:"name"`
	Role     *Role     `json:"role"`
	Sites    *[]string `json:"sites"`
	Disabled *bool     `json:"disabled"`
}

// inviteHash is the stored form of an invite token.
func inviteHash(token string) string {
	sum := sha256.Sum256([]byte("kefu-invite:" + token))
	return hex.EncodeToString(sum[:])
}

// List returns the agents of the actor's site, by name.
func (s *AgentAdmin) List(ctx context.Context, a Actor) ([]Agent, error) {
	if err := a.Require(RoleAgent); err != nil {
		return nil, err
	}
	var out []Agent
	err := EachAgent(ctx, s.store, a.Site, func(ag *Agent) error {
		out = append(out, *ag)
		return nil
	})
	return out, err
}

// Invite creates an agent who has no password yet, and returns the token
// of the link that sets it, good for InviteTTL.
func (s *AgentAdmin) Invite(ctx context.Context, a Actor, in InviteInput) (*Agent, string, error) {
	if err := a.Require(RoleOwner); err != nil {
		return nil, "", err
	}
	email, err := ValidateEmail(in.Email)
	if err != nil {
		return nil, "", err
	}
	name := strings.TrimSpace(in.Name)
	if name == "" || utf8.RuneCountInString(name) > maxAgentName {
		return nil, "", Invalid("name must be 1 to %d characters", maxAgentName)
	}
	if !in.Role.Valid() {
		return nil, "", Invalid("role must be owner, admin or agent")
	}
	sites, err := s.ownSites(a, in.Sites)
	if err != nil {
		return nil, "", err
	}
	token := NewIdentitySecret()
	now := s.now().UTC()
	ag := &Agent{ID: NewID(), Email: email, Name: name, Role: in.Role, Sites: sites,
		InviteHash: inviteHash(token), InviteExpires: now.Add(InviteTTL), CreatedAt: now}
	err = s.store.CreateAgent(ctx, ag)
	if !IsCode(err, CodeConflict) {
		if err != nil {
			return nil, "", err
		}
		return ag, token, nil
	}
	// Invited before and no password set yet (the link expired, or got
	// lost): a new link replaces the old one, if this owner owns every
	// site the agent works on.
	old, err := s.store.AgentByEmail(ctx, email)
	if err != nil {
		return nil, "", err
	}
	if old.PasswordHash != "" || old.Disabled || !ownsAll(a.Agent, old.Sites) {
		return nil, "", Errorf(CodeConflict, "an agent with the email %s exists already", email)
	}
	old.InviteHash, old.InviteExpires = inviteHash(token), now.Add(InviteTTL)
	if err := s.store.UpdateAgent(ctx, old); err != nil {
		return nil, "", err
	}
	return old, token, nil
}

// ownsAll reports whether owner works on every one of sites.
func ownsAll(owner *Agent, sites []string) bool {
	for _, s := range sites {
		if !owner.CanAccess(s) {
			return false
		}
	}
	return true
}

// ownSites checks that every site of sites is one the acting owner works
// on; none means the actor's site.
func (s *AgentAdmin) ownSites(a Actor, sites []string) ([]string, error) {
	if len(sites) == 0 {
		return []string{a.Site}, nil
	}
	out := make([]string, 0, len(sites))
	for _, site := range sites {
		if !a.Agent.CanAccess(site) {
			return nil, NotFound("site " + clip(site, 64))
		}
		if !slices.Contains(out, site) {
			out = append(out, site)
		}
	}
	return out, nil
}

// Update applies p to agent id, who must work on the actor's site. A role
// is the agent's on all their sites, so the name, the role and disabling
// may be changed only by an owner of every site the agent works on; the
// sites of the owner's among the agent's, by any owner of them. Owners
// cannot change their own role or disable themselves: another owner must.
// Disabling ends every login of the agent.
func (s *AgentAdmin) Update(ctx context.Context, a Actor, id string, p AgentPatch) (*Agent, error) {
	if !ValidKey(id) {
		return nil, NotFound("agent")
	}
	ag, err := s.store.Agent(ctx, id)
	if err != nil {
		return nil, err
	}
	if !ag.CanAccess(a.Site) {
		return nil, NotFound("agent")
	}
	if err := a.Require(RoleOwner); err != nil {
		return nil, err
	}
	self := ag.ID == a.Agent.ID
	if (p.Name != nil || p.Role != nil || p.Disabled != nil) && !ownsAll(a.Agent, ag.Sites) {
		return nil, Errorf(CodeForbidden, "this agent also works on sites you are not on; an owner of all their sites can change their name, role or access")
	}
	if p.Name != nil {
		name := strings.TrimSpace(*p.Name)
		if name == "" || utf8.RuneCountInString(name) > maxAgentName {
			return nil, Invalid("name must be 1 to %d characters", maxAgentName)
		}
		ag.Name = name
	}
	if p.Role != nil && *p.Role != ag.Role {
		if !p.Role.Valid() {
			return nil, Invalid("role must be owner, admin or agent")
		}
		if self {
			return nil, Errorf(CodeForbidden, "owners cannot change their own role; another owner can")
		}
		ag.Role = *p.Role
	}
	if p.Sites != nil {
		// Sites the actor does not work on stay as they are.
		keep := slices.DeleteFunc(slices.Clone(ag.Sites), a.Agent.CanAccess)
		mine, err := s.ownSites(a, *p.Sites)
		if err != nil {
			return nil, err
		}
		if len(*p.Sites) == 0 {
			mine = nil
		}
		if len(keep)+len(mine) == 0 {
			return nil, Invalid("an agent needs at least one site; disable them instead")
		}
		ag.Sites = append(keep, mine...)
	}
	if p.Disabled != nil && *p.Disabled != ag.Disabled {
		if self {
			return nil, Errorf(CodeForbidden, "owners cannot disable themselves; another owner can")
		}
		ag.Disabled = *p.Disabled
	}
	if err := s.store.UpdateAgent(ctx, ag); err != nil {
		return nil, err
	}
	if ag.Disabled {
		if err := s.store.RevokeAgent(ctx, ag.ID); err != nil {
			return nil, err
		}
	}
	// Every node closes the agent's sockets: they come back with the new
	// role and sites, or, disabled, not at all.
	if err := announceAgent(ctx, s.bus, ag.ID); err != nil {
		return ag, err
	}
	return ag, nil
}

// AcceptInvite sets the password of the agent invited with token, once,
// before the invite expires.
func (s *AgentAdmin) AcceptInvite(ctx context.Context, token, password string) (*Agent, error) {
	if token == "" || len(token) > 128 {
		return nil, NotFound("invite")
	}
	ag, err := s.store.AgentByInvite(ctx, inviteHash(token))
	if err != nil {
		return nil, err
	}
	if ag.Disabled {
		return nil, NotFound("invite")
	}
	if s.now().After(ag.InviteExpires) {
		return nil, Errorf(CodeNotFound, "this invite has expired; ask an owner for a new one")
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return nil, err
	}
	ag.PasswordHash, ag.InviteHash, ag.InviteExpires = hash, "", time.Time{}
	if err := s.store.UpdateAgent(ctx, ag); err != nil {
		return nil, err
	}
	return ag, nil
}

// announceAgent tells every node that the agent changed: each closes the
// agent's sockets, which come back with the agent as stored now.
func announceAgent(ctx context.Context, bus Bus, id string) error {
	data, err := json.Marshal(Event{Type: EventAgent, AgentID: id})
	if err == nil {
		err = bus.Publish(ctx, AgentsSubject, data)
	}
	if err != nil {
		return Wrap(CodeUnavailable, err, "the change is saved, but open sockets were not told; they end within the access token's life")
	}
	return nil
}
