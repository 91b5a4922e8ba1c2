package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type tokenDoc struct {
	Hash      string    `bson:"_id"`
	AgentID   string    `bson:"agent_id"`
	Family    string    `bson:"family"`
	Rotated   bool      `bson:"rotated"`
	ExpiresAt time.Time `bson:"expires_at"`
	CreatedAt time.Time `bson:"created_at"`
	RotatedAt time.Time `bson:"rotated_at"`
}

// CreateRefreshToken stores a refresh token by its hash. A TTL index
// deletes it some time after it expires, so callers check ExpiresAt.
func (s *Store) CreateRefreshToken(ctx context.Context, t *chat.RefreshToken) error {
	if t.Hash == "" {
		return chat.Invalid("refresh token needs a hash")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.tokens.InsertOne(ctx, tokenDoc(*t))
	return mapErr(err, "insert refresh token", "refresh token")
}

// RefreshToken returns the token with hash.
func (s *Store) RefreshToken(ctx context.Context, hash string) (*chat.RefreshToken, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d tokenDoc
	if err := s.tokens.FindOne(ctx, byID(hash)).Decode(&d); err != nil {
		return nil, mapErr(err, "find refresh token", "refresh token")
	}
	t := chat.RefreshToken(d)
	return &t, nil
}

// MarkRotated flags a token as used. It fails with chat.CodeConflict when
// it was already rotated, which means the token was stolen and replayed:
// of two concurrent calls, exactly one succeeds, because one conditional
// update is atomic.
func (s *Store) MarkRotated(ctx context.Context, hash string, at time.Time) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	filter := bson.D{{Key: "_id", Value: hash}, {Key: "rotated", Value: false}}
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "rotated", Value: true}, {Key: "rotated_at", Value: at}}}}
	res, err := s.tokens.UpdateOne(ctx, filter, set)
	if err != nil {
		return mapErr(err, "rotate refresh token", "refresh token")
	}
	if res.MatchedCount == 1 {
		return nil
	}
	if _, err := s.RefreshToken(ctx, hash); err != nil {
		return err
	}
	return chat.Errorf(chat.CodeConflict, "refresh token already used")
}

// RevokeFamily deletes every token of a family, so that none of them can
// be used again.
func (s *Store) RevokeFamily(ctx context.Context, family string) error {
	if family == "" {
		return chat.Invalid("refresh token family is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.tokens.DeleteMany(ctx, bson.D{{Key: "family", Value: family}})
	return mapErr(err, "revoke refresh token family", "refresh token")
}

// RevokeAgent deletes every token of an agent: every login ends.
func (s *Store) RevokeAgent(ctx context.Context, agentID string) error {
	if agentID == "" {
		return chat.Invalid("agent id is required")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.tokens.DeleteMany(ctx, bson.D{{Key: "agent_id", Value: agentID}})
	return mapErr(err, "revoke agent's refresh tokens", "refresh token")
}

// FamilyActive reports whether a family still has a token.
func (s *Store) FamilyActive(ctx context.Context, family string) (bool, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	n, err := s.tokens.CountDocuments(ctx, bson.D{{Key: "family", Value: family}}, options.Count().SetLimit(1))
	if err != nil {
		return false, mapErr(err, "find refresh token family", "refresh token")
	}
	return n > 0, nil
}
