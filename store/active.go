package store

import (
	"context"
	"errors"
	"sort"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// activeDoc points from a visitor to their conversation that is not
// resolved, so that finding it is a lookup by _id (site/visitor) rather
// than a query, which FerretDB would answer by reading every conversation.
// The unique active_key index on conversations stays the rule; this is a
// pointer that can be stale, and is checked against the conversation.
//
// It also lists the visitor's most recent conversations, newest first, so
// that listing a visitor's conversations is lookups by _id too.
type activeDoc struct {
	ID             string   `bson:"_id"`
	ConversationID string   `bson:"conversation_id"`
	Recent         []string `bson:"recent,omitempty"`
}

// maxRecent is how many of a visitor's conversations the pointer lists.
const maxRecent = 20

// pointActive records id as the visitor's active conversation, and as the
// newest of their recent ones.
func (s *Store) pointActive(ctx context.Context, site, visitorID, id string) error {
	key := site + "/" + visitorID
	defer s.lock(lockKey(s.active, key))()
	var old activeDoc
	if err := s.active.FindOne(ctx, byID(key)).Decode(&old); err != nil && !errors.Is(err, mongo.ErrNoDocuments) {
		return mapErr(err, "find active conversation", "conversation")
	}
	recent := []string{id}
	for _, r := range old.Recent {
		if r != id && len(recent) < maxRecent {
			recent = append(recent, r)
		}
	}
	_, err := s.active.ReplaceOne(ctx, byID(key), activeDoc{ID: key, ConversationID: id, Recent: recent}, options.Replace().SetUpsert(true))
	return mapErr(err, "point active conversation", "conversation")
}

// visitorConversations lists a visitor's recent conversations from their
// pointer, newest first: on FerretDB, a query would read every
// conversation of every visitor.
func (s *Store) visitorConversations(ctx context.Context, f chat.ConversationFilter, limit int) ([]chat.Conversation, error) {
	var p activeDoc
	if err := s.active.FindOne(ctx, byID(f.Site+"/"+f.VisitorID)).Decode(&p); err != nil {
		if errors.Is(err, mongo.ErrNoDocuments) {
			return []chat.Conversation{}, nil
		}
		return nil, mapErr(err, "find visitor's conversations", "conversation")
	}
	out := []chat.Conversation{}
	for _, id := range p.Recent {
		d, err := s.loadConversation(ctx, f.Site, id)
		if chat.IsCode(err, chat.CodeNotFound) {
			continue
		} else if err != nil {
			return nil, err
		}
		if d.VisitorID != f.VisitorID || (f.Status != "" && d.Status != f.Status) {
			continue
		}
		if !f.Before.IsZero() && !d.UpdatedAt.Before(f.Before) && !(d.UpdatedAt.Equal(f.Before) && d.ID < f.BeforeID) {
			continue
		}
		if n := len(d.Tail); n > 1 {
			d.Tail = d.Tail[n-1:]
		}
		out = append(out, *d.conversation())
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].UpdatedAt.After(out[j].UpdatedAt) })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
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
