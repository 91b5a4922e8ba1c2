package store

import (
	"context"
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// indexSpec is one secondary index of one collection.
type indexSpec struct {
	coll   string
	keys   bson.D
	unique bool
	// mongoOnly marks indexes that FerretDB cannot build (TTL).
	mongoOnly bool
	ttl       bool
}

func asc(fields ...string) bson.D {
	d := make(bson.D, 0, len(fields))
	for _, f := range fields {
		d = append(d, bson.E{Key: f, Value: 1})
	}
	return d
}

// indexSpecs lists every secondary index. The unique ones hold rules the
// domain relies on; the others serve queries on a real MongoDB only.
func indexSpecs() []indexSpec {
	return []indexSpec{
		{coll: collAgents, keys: asc("email_key"), unique: true},
		{coll: collVisitors, keys: asc("user_key"), unique: true},
		// One conversation that is not resolved per visitor: active_key is
		// site/visitor until it is resolved, then the conversation's own id.
		{coll: collConversations, keys: asc("active_key"), unique: true},
		{coll: collConversations, keys: bson.D{{Key: "site", Value: 1}, {Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}},
		{coll: collConversations, keys: bson.D{{Key: "site", Value: 1}, {Key: "visitor_id", Value: 1}, {Key: "updated_at", Value: -1}}},
		{coll: collMessages, keys: asc("conversation_id", "seq"), unique: true},
		{coll: collMessages, keys: asc("conversation_id", "client_id"), unique: true},
		{coll: collFAQ, keys: asc("site", "order")},
		{coll: collFeedback, keys: bson.D{{Key: "site", Value: 1}, {Key: "created_at", Value: -1}}},
		{coll: collTokens, keys: asc("family")},
		{coll: collTokens, keys: asc("expires_at"), mongoOnly: true, ttl: true},
	}
}

func collectionNames() []string {
	return []string{
		collSites, collAgents, collVisitors, collConversations,
		collMessages, collFAQ, collFeedback, collTokens, collActive,
	}
}

// EnsureIndexes creates every collection and index that is missing. It is
// idempotent, and Open calls it. In embedded mode it also adds the SQLite
// indexes that make FerretDB's lookups by _id fast.
func (s *Store) EnsureIndexes(ctx context.Context) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	for _, name := range collectionNames() {
		if err := s.db.CreateCollection(ctx, name); err != nil && !isNamespaceExists(err) {
			return mapErr(err, "create collection "+name, "collection")
		}
	}
	for _, ix := range indexSpecs() {
		// FerretDB uses indexes only to enforce uniqueness, never to answer
		// a query, so the others would only slow down every write.
		if s.ferret && (ix.mongoOnly || !ix.unique) {
			continue
		}
		opts := options.Index()
		if ix.unique {
			opts.SetUnique(true)
		}
		if ix.ttl {
			opts.SetExpireAfterSeconds(0)
		}
		m := mongo.IndexModel{Keys: ix.keys, Options: opts}
		if _, err := s.db.Collection(ix.coll).Indexes().CreateOne(ctx, m); err != nil {
			return mapErr(err, fmt.Sprintf("create index %v on %s", ix.keys, ix.coll), "index")
		}
	}
	if s.embedded != nil {
		return addIDIndexes(ctx, s.embedded.DataDir(), s.db.Name())
	}
	return nil
}
