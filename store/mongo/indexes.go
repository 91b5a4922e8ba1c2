package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexSpec is one secondary index of one collection.
type indexSpec struct {
	coll   string
	keys   bson.D
	unique bool
	// ttl deletes a document once the time in its only key has passed.
	// FerretDB cannot build TTL indexes; it gets a plain one.
	ttl bool
}

// keys builds an index key from field names; a leading '-' makes a field
// descending.
func keys(fields ...string) bson.D {
	d := make(bson.D, 0, len(fields))
	for _, f := range fields {
		if f[0] == '-' {
			d = append(d, bson.E{Key: f[1:], Value: -1})
		} else {
			d = append(d, bson.E{Key: f, Value: 1})
		}
	}
	return d
}

// indexSpecs lists every secondary index. The unique ones hold rules the
// domain relies on; the others serve the listings.
func indexSpecs() []indexSpec {
	return []indexSpec{
		{coll: collAgents, keys: keys("email_key"), unique: true},
		{coll: collAgents, keys: keys("sites", "name")},
		{coll: collAgents, keys: keys("invite_key")},
		{coll: collFAQ, keys: keys("site", "order", "_id")},
		{coll: collVisitors, keys: keys("user_key"), unique: true},
		{coll: collVisitors, keys: keys("site", "_id")},
		{coll: collVisitors, keys: keys("user_id", "chatted", "last_seen_at")},

		// One conversation that is not resolved per visitor: active_key is
		// site/visitor until it is resolved, then the conversation's own
		// id. ActiveConversation looks it up by this key.
		{coll: collConversations, keys: keys("active_key"), unique: true},
		{coll: collConversations, keys: keys("site", "-updated_at", "-_id")},
		{coll: collConversations, keys: keys("site", "status", "-updated_at", "-_id")},
		{coll: collConversations, keys: keys("site", "assignee_id", "-updated_at", "-_id")},
		{coll: collConversations, keys: keys("site", "visitor_id", "-updated_at")},
		{coll: collConversations, keys: keys("status", "updated_at")},
		{coll: collConversations, keys: keys("status", "created_at")}, // unanswered alerts

		// AppendMessage's commit point: a seq, and a sender's id, are
		// taken once per conversation.
		{coll: collMessages, keys: keys("conversation_id", "seq"), unique: true},
		{coll: collMessages, keys: keys("conversation_id", "client_id"), unique: true},

		{coll: collFeedback, keys: keys("site", "-created_at", "-_id")},
		{coll: collFeedback, keys: keys("site", "status", "-created_at", "-_id")},
		{coll: collFeedback, keys: keys("site", "category", "-created_at", "-_id")},
		{coll: collTokens, keys: keys("family")},
		{coll: collAttachments, keys: keys("site", "conversation_id", "created_at", "_id")},
		{coll: collAttachments, keys: keys("conversation_id")}, // retention deletes by conversation
		// Retention deletes content that no record names.
		{coll: collAttachments, keys: keys("blob")},
		{coll: collAttachments, keys: keys("thumb")},
		{coll: collTokens, keys: keys("agent_id")},
		{coll: collSearch, keys: keys("site", "terms", "-pos")},
		{coll: collMessages, keys: keys("site", "terms", "-pos")}, // search: see search.go
		{coll: collSearch, keys: keys("conversation_id")},         // retention deletes by conversation
		// A shortcut is taken once per site and language; the same index
		// lists a site's replies in order.
		{coll: collCanned, keys: keys("site", "shortcut", "lang"), unique: true},
		{coll: collTokens, keys: keys("expires_at"), ttl: true},
		// Reports read a site's conversations by creation time, or one
		// agent's, and its FAQ counts by slot.
		{coll: collConversations, keys: keys("site", "created_at")},
		{coll: collConversations, keys: keys("site", "assignee_id", "created_at")},
		{coll: collFAQCounts, keys: keys("site", "slot")},
	}
}

func collectionNames() []string {
	return []string{
		collSites, collAgents, collVisitors, collConversations,
		collMessages, collFAQ, collFeedback, collTokens, collAttachments,
		collSearch, collMeta, collCanned, collFAQCounts,
	}
}

// indexTimeout bounds ensureIndexes, instead of the op timeout: building
// an index that a new version adds to a large collection takes a while.
const indexTimeout = 10 * time.Minute

// ensureIndexes creates every collection and index that is missing. It is
// idempotent, so every Store that opens the database runs it.
func (s *Store) ensureIndexes(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, indexTimeout)
	defer cancel()
	// Created up front, so that two nodes' first writes do not race to
	// create a collection implicitly.
	for _, name := range collectionNames() {
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return mapErr(err, "create collection "+name, "collection")
		}
	}
	ferret := s.isFerretDB(ctx)
	for _, ix := range indexSpecs() {
		opts := options.Index()
		if ix.unique {
			opts.SetUnique(true)
		}
		if ix.ttl && !ferret {
			opts.SetExpireAfterSeconds(0)
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: opts}
		if _, err := s.db.Collection(ix.coll).Indexes().CreateOne(ctx, m); err != nil {
			return mapErr(err, fmt.Sprintf("create index %v on %s", ix.keys, ix.coll), "index")
		}
	}
	return nil
}

// isFerretDB reports whether the server is FerretDB, which says so in its
// buildInfo. It is used only to skip index options FerretDB lacks.
func (s *Store) isFerretDB(ctx context.Context) bool {
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false
	}
	_, ok := info["ferretdbVersion"]
	return ok
}
