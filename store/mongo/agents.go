package mongo

import (
	"context"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type agentDoc struct {
	ID    string `bson:"_id"`
	Email string `bson:"email"`
	// EmailKey is the normalized email that the unique index holds, so
	// that Ann@x.com and ann@x.com are one agent.
	EmailKey     string    `bson:"email_key"`
	Name         string    `bson:"name"`
	PasswordHash string    `bson:"password_hash"`
	Role         chat.Role `bson:"role"`
	Sites        []string  `bson:"sites"`
	TOTPSecret   string    `bson:"totp_secret,omitempty"`
	TOTPPending  string    `bson:"totp_pending,omitempty"`
	Recovery     []string  `bson:"recovery,omitempty"`
	Disabled     bool      `bson:"disabled,omitempty"`
	// InviteKey is "invite/" and the invite link's hash while one is open,
	// else the agent's id: an index on it finds an agent by invite.
	InviteKey     string    `bson:"invite_key"`
	InviteExpires time.Time `bson:"invite_expires,omitempty"`
	CreatedAt     time.Time `bson:"created_at"`
	// Version advances with every update; documents written before it
	// existed lack it, which counts as 0.
	Version int64 `bson:"version,omitempty"`
}

func emailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func newAgentDoc(a *chat.Agent) agentDoc {
	sites := a.Sites
	if sites == nil {
		sites = []string{}
	}
	return agentDoc{
		ID: a.ID, Email: a.Email, EmailKey: emailKey(a.Email), Name: a.Name,
		PasswordHash: a.PasswordHash, Role: a.Role, Sites: sites,
		TOTPSecret: a.TOTPSecret, TOTPPending: a.TOTPPending, Recovery: a.RecoveryHashes, CreatedAt: a.CreatedAt,
		Disabled: a.Disabled, InviteKey: inviteKey(a), InviteExpires: a.InviteExpires, Version: a.Version,
	}
}

// inviteHash is the hash of an open invite in key, or "".
func inviteHash(key string) string {
	h, _ := strings.CutPrefix(key, "invite/")
	if h == key {
		return ""
	}
	return h
}

// inviteKey is what agentDoc.InviteKey holds for a: "invite/" and the
// hash of an open invite, else the agent's id (which has no '/').
func inviteKey(a *chat.Agent) string {
	if a.InviteHash != "" {
		return "invite/" + a.InviteHash
	}
	return a.ID
}

func (d *agentDoc) agent() *chat.Agent {
	return &chat.Agent{
		ID: d.ID, Email: d.Email, Name: d.Name, PasswordHash: d.PasswordHash,
		Role: d.Role, Sites: d.Sites, TOTPSecret: d.TOTPSecret, TOTPPending: d.TOTPPending,
		RecoveryHashes: d.Recovery, CreatedAt: d.CreatedAt, Disabled: d.Disabled, InviteExpires: d.InviteExpires, Version: d.Version,
		InviteHash: inviteHash(d.InviteKey),
	}
}

// UseRecoveryCode removes hash from the agent's recovery codes in one
// update, conditional on its being there.
func (s *Store) UseRecoveryCode(ctx context.Context, agentID, hash string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.agents.UpdateOne(ctx, bson.D{{Key: "_id", Value: agentID}, {Key: "recovery", Value: hash}},
		bson.D{{Key: "$pull", Value: bson.D{{Key: "recovery", Value: hash}}}})
	if err != nil {
		return mapErr(err, "use recovery code", "recovery code")
	}
	if res.ModifiedCount == 0 {
		return chat.NotFound("recovery code")
	}
	return nil
}

// AgentByInvite returns the agent whose invite link has hash.
func (s *Store) AgentByInvite(ctx context.Context, hash string) (*chat.Agent, error) {
	if hash == "" {
		return nil, chat.NotFound("invite")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d agentDoc
	if err := s.agents.FindOne(ctx, bson.D{{Key: "invite_key", Value: "invite/" + hash}}).Decode(&d); err != nil {
		return nil, mapErr(err, "find agent by invite", "invite")
	}
	return d.agent(), nil
}

// Agent returns the agent with id.
func (s *Store) Agent(ctx context.Context, id string) (*chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d agentDoc
	if err := s.agents.FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, mapErr(err, "find agent", "agent")
	}
	return d.agent(), nil
}

// AgentByEmail returns the agent with email, compared without case.
func (s *Store) AgentByEmail(ctx context.Context, email string) (*chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d agentDoc
	err := s.agents.FindOne(ctx, bson.D{{Key: "email_key", Value: emailKey(email)}}).Decode(&d)
	if err != nil {
		return nil, mapErr(err, "find agent by email", "agent")
	}
	return d.agent(), nil
}

// CreateAgent stores a new agent, giving it an id if it has none. It fails
// with chat.CodeConflict when the email is taken.
func (s *Store) CreateAgent(ctx context.Context, a *chat.Agent) error {
	if emailKey(a.Email) == "" {
		return chat.Invalid("agent email is required")
	}
	if a.ID == "" {
		a.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.agents.InsertOne(ctx, newAgentDoc(a))
	return mapErr(err, "insert agent", "agent")
}

// UpdateAgent replaces everything of the agent but its id and CreatedAt.
// It fails with chat.CodeConflict when the new email is taken.
func (s *Store) UpdateAgent(ctx context.Context, a *chat.Agent) error {
	if emailKey(a.Email) == "" {
		return chat.Invalid("agent email is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	d := newAgentDoc(a)
	filter := bson.D{{Key: "_id", Value: a.ID}, {Key: "version", Value: a.Version}}
	if a.Version == 0 {
		filter = bson.D{{Key: "_id", Value: a.ID}, {Key: "$or", Value: bson.A{
			bson.D{{Key: "version", Value: int64(0)}}, bson.D{{Key: "version", Value: bson.D{{Key: "$exists", Value: false}}}},
		}}}
	}
	res, err := s.agents.UpdateOne(ctx, filter, bson.D{{Key: "$set", Value: bson.D{
		{Key: "email", Value: d.Email},
		{Key: "email_key", Value: d.EmailKey},
		{Key: "name", Value: d.Name},
		{Key: "password_hash", Value: d.PasswordHash},
		{Key: "role", Value: d.Role},
		{Key: "sites", Value: d.Sites},
		{Key: "totp_secret", Value: d.TOTPSecret},
		{Key: "totp_pending", Value: d.TOTPPending},
		{Key: "recovery", Value: d.Recovery},
		{Key: "disabled", Value: d.Disabled},
		{Key: "invite_key", Value: d.InviteKey},
		{Key: "invite_expires", Value: d.InviteExpires},
		{Key: "version", Value: a.Version + 1},
	}}})
	if err != nil {
		return mapErr(err, "update agent", "agent")
	}
	if res.MatchedCount == 0 {
		if _, gone := s.Agent(ctx, a.ID); gone == nil {
			return chat.Errorf(chat.CodeConflict, "the agent was changed meanwhile; read it again")
		}
		return chat.NotFound("agent")
	}
	a.Version++
	return nil
}

// ListAgents returns up to limit of the agents who work on site, by name
// and then id, starting after the agent after (nil: the first).
func (s *Store) ListAgents(ctx context.Context, site string, after *chat.Agent, limit int) ([]chat.Agent, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	opts := options.Find().
		SetSort(bson.D{{Key: "name", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit))
	filter := bson.D{{Key: "sites", Value: site}}
	if after != nil {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "name", Value: bson.D{{Key: "$gt", Value: after.Name}}}},
			bson.D{{Key: "name", Value: after.Name}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: after.ID}}}},
		}})
	}
	cur, err := s.agents.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "list agents", "agent")
	}
	var docs []agentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list agents", "agent")
	}
	out := make([]chat.Agent, len(docs))
	for i := range docs {
		out[i] = *docs[i].agent()
	}
	return out, nil
}
