package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// activeDoc points from a visitor to their conversation that is not
// resolved, so that finding it is a lookup by _id (site/visitor) rather
// than a query, which FerretDB would answer by reading every conversation.
// The unique active_key index on conversations stays the rule; this is a
// pointer that can be stale, and is checked against the conversation.
type activeDoc struct {
	ID             string `bson:"_id"`
	ConversationID string `bson:"conversation_id"`
}

// pointActive records id as the visitor's active conversation.
func (s *Store) pointActive(ctx context.Context, site, visitorID, id string) error {
	key := site + "/" + visitorID
	_, err := s.active.ReplaceOne(ctx, byID(key), activeDoc{ID: key, ConversationID: id}, options.Replace().SetUpsert(true))
	return mapErr(err, "point active conversation", "conversation")
}

// repairActive points the visitor at the conversation that holds the
// unique active key, after a crash left the pointer behind. It reads the
// whole collection on FerretDB, so it runs only after a conflict.
func (s *Store) repairActive(ctx context.Context, site, visitorID string) error {
	var d struct {
		ID string `bson:"_id"`
	}
	filter := bson.D{{Key: "active_key", Value: activeKey(site, visitorID, "", chat.StatusOpen)}}
	if err := s.conversations.FindOne(ctx, filter).Decode(&d); err != nil {
		return mapErr(err, "find active conversation", "conversation")
	}
	return s.pointActive(ctx, site, visitorID, d.ID)
}

// ActiveConversation returns the visitor's conversation that is not
// resolved, or a not-found error. It is two lookups by _id.
func (s *Store) ActiveConversation(ctx context.Context, site, visitorID string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var p activeDoc
	if err := s.active.FindOne(ctx, byID(site+"/"+visitorID)).Decode(&p); err != nil {
		return nil, mapErr(err, "find active conversation", "conversation")
	}
	d, err := s.loadConversation(ctx, site, p.ConversationID)
	if err != nil {
		return nil, err
	}
	if d.VisitorID != visitorID || d.Status == chat.StatusResolved {
		return nil, chat.NotFound("conversation")
	}
	return d.conversation(), nil
}
