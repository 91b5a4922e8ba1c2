// Package mongo keeps kefu's data in MongoDB, a replica set written with
// majority write concern. It implements chat.Store.
//
// Every rule the domain relies on across processes is held by the database
// itself, never by a lock in this process: unique indexes make a message's
// seq and client id, a visitor's one unresolved conversation, an agent's
// email and a site's verified user id unique, and conditional updates make
// counters and marks move one way only. See AppendMessage for how appends
// from many nodes get contiguous seqs without a transaction.
//
// Reads use majority read concern, so that nobody sees a write that a
// failover could undo; AppendMessage's own bookkeeping reads the latest
// writes instead.
//
// The tests run it against an embedded FerretDB (package mongotest), which
// speaks the same protocol. Nothing here works around FerretDB, except
// that index options it lacks (TTL) are left off on it.
package mongo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readconcern"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"
	"go.mongodb.org/mongo-driver/v2/x/mongo/driver/connstring"

	"github.com/kefu/kefu/chat"
)

var _ chat.Store = (*Store)(nil)

// Collection names.
const (
	collSites         = "sites"
	collAgents        = "agents"
	collVisitors      = "visitors"
	collConversations = "conversations"
	collMessages      = "messages"
	collFAQ           = "faq"
	collFeedback      = "feedback"
	collTokens        = "refresh_tokens"
	collAttachments   = "attachments"
	collSearch        = "search"
	collMeta          = "meta" // marks of one-time jobs, by _id
	collCanned        = "canned"
	collFAQCounts     = "faq_counts" // FAQ events per site and slot, for reports
)

// DefaultDatabase is the database used when neither Config.Database nor
// the URI names one.
const DefaultDatabase = "kefu"

// DefaultOpTimeout bounds each store call whose context has no earlier
// deadline.
const DefaultOpTimeout = 10 * time.Second

// Config says which database to use.
type Config struct {
	// URI of a MongoDB replica set, such as
	// "mongodb://mongo:27017/kefu?replicaSet=rs0". Options it sets win over
	// the store's defaults: majority reads and writes, retryable reads and
	// writes, and a 5 s server selection timeout.
	URI string
	// Database is the database name. When empty, the URI's path names it,
	// or else DefaultDatabase.
	Database string
	// OpTimeout bounds each call whose context has no earlier deadline;
	// DefaultOpTimeout when zero.
	OpTimeout time.Duration
	// Logger receives the store's own log lines; slog.Default() when nil.
	Logger *slog.Logger
}

// Store implements chat.Store on MongoDB. It is safe for concurrent use,
// and any number of Stores, in any number of processes, can share one
// database.
type Store struct {
	client    *mongo.Client
	db        *mongo.Database
	logger    *slog.Logger
	opTimeout time.Duration

	sites, agents, visitors, conversations, messages, faq, feedback, tokens, attachments, search, meta, canned *mongo.Collection
	// latestConversations and latestMessages read with local read concern,
	// for AppendMessage's bookkeeping, which must see the newest writes
	// rather than the newest majority-committed ones.
	latestConversations, latestMessages *mongo.Collection
}

// Open connects to the database that cfg names and ensures that every
// collection and index exists.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.URI == "" {
		return nil, errors.New("mongo: no URI")
	}
	cs, err := connstring.ParseAndValidate(cfg.URI)
	if err != nil {
		return nil, fmt.Errorf("mongo: parse URI: %w", err)
	}
	if cfg.Database == "" {
		cfg.Database = cs.Database
	}
	if cfg.Database == "" {
		cfg.Database = DefaultDatabase
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = DefaultOpTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}

	// Majority reads show only what survives a failover: a client never
	// sees a message that a new primary then gives another seq.
	opts := options.Client().
		SetWriteConcern(writeconcern.Majority()).
		SetReadConcern(readconcern.Majority()).
		SetRetryWrites(true).
		SetRetryReads(true).
		SetServerSelectionTimeout(5 * time.Second).
		SetConnectTimeout(5 * time.Second).
		ApplyURI(cfg.URI)
	client, err := mongo.Connect(opts)
	if err != nil {
		return nil, fmt.Errorf("mongo: connect: %w", err)
	}
	s := &Store{
		client:    client,
		db:        client.Database(cfg.Database),
		logger:    cfg.Logger,
		opTimeout: cfg.OpTimeout,
	}
	s.sites = s.db.Collection(collSites)
	s.agents = s.db.Collection(collAgents)
	s.visitors = s.db.Collection(collVisitors)
	s.conversations = s.db.Collection(collConversations)
	s.messages = s.db.Collection(collMessages)
	s.faq = s.db.Collection(collFAQ)
	s.feedback = s.db.Collection(collFeedback)
	s.tokens = s.db.Collection(collTokens)
	s.attachments = s.db.Collection(collAttachments)
	s.search = s.db.Collection(collSearch)
	s.meta = s.db.Collection(collMeta)
	s.canned = s.db.Collection(collCanned)
	local := options.Collection().SetReadConcern(readconcern.Local())
	s.latestConversations = s.db.Collection(collConversations, local)
	s.latestMessages = s.db.Collection(collMessages, local)

	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.ensureIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if err := s.backfillSearch(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// Close disconnects from the database.
func (s *Store) Close(ctx context.Context) error {
	if err := s.client.Disconnect(ctx); err != nil {
		return fmt.Errorf("mongo: disconnect: %w", err)
	}
	return nil
}

// Ping reports whether the primary answers.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	if err := s.client.Ping(ctx, readpref.Primary()); err != nil {
		return mapErr(err, "ping", "database")
	}
	return nil
}

// op bounds one store call by the configured timeout, unless ctx already
// ends sooner.
func (s *Store) op(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= s.opTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.opTimeout)
}

// byID is the filter of one document.
func byID(id string) bson.D { return bson.D{{Key: "_id", Value: id}} }

// bySiteID is the filter of one document of one site: another site's
// document does not match, exactly as if it did not exist.
func bySiteID(site, id string) bson.D {
	return bson.D{{Key: "_id", Value: id}, {Key: "site", Value: site}}
}

// updateScoped applies update to the document id of coll if it belongs to
// site.
func (s *Store) updateScoped(ctx context.Context, coll *mongo.Collection, site, id string, update bson.D, what string) error {
	res, err := coll.UpdateOne(ctx, bySiteID(site, id), update)
	if err != nil {
		return mapErr(err, "update "+what, what)
	}
	if res.MatchedCount == 0 {
		return chat.NotFound(what)
	}
	return nil
}
