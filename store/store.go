// Package store keeps kefu's data in MongoDB, or in an embedded FerretDB
// (SQLite backend) that speaks the same wire protocol. It is the only
// package that imports the MongoDB driver.
//
// The documents are laid out so that the hot paths (opening a
// conversation, appending a message, replaying a short gap) are lookups and
// updates by _id: FerretDB pushes only an exact {_id: x} filter down to
// SQLite, and every other filter reads the whole collection. Secondary
// indexes exist for uniqueness everywhere and for speed on a real MongoDB.
package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
	"go.mongodb.org/mongo-driver/v2/mongo/readpref"
	"go.mongodb.org/mongo-driver/v2/mongo/writeconcern"

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
	collActive        = "active_conversations"
)

// DefaultOpTimeout bounds each store call whose context has no earlier
// deadline.
const DefaultOpTimeout = 10 * time.Second

// Config says which database to use.
type Config struct {
	// URI of a MongoDB deployment, such as
	// "mongodb://mongo:27017/?replicaSet=rs0". Ignored when Embedded is set.
	URI string
	// Database is the database name; "kefu" when empty.
	Database string
	// Embedded starts an in-process FerretDB instead of connecting to URI.
	Embedded bool
	// DataDir is where the embedded FerretDB keeps its SQLite files, one
	// per database. It is created if missing.
	DataDir string
	// OpTimeout bounds each call whose context has no earlier deadline;
	// DefaultOpTimeout when zero.
	OpTimeout time.Duration
	// Logger receives the store's own log lines; slog.Default() when nil.
	Logger *slog.Logger
}

// Store implements chat.Store on MongoDB or embedded FerretDB. It is safe
// for concurrent use.
type Store struct {
	client   *mongo.Client
	db       *mongo.Database
	embedded *Embedded // nil on a real MongoDB
	// ferret is set on FerretDB, embedded or not: it lacks TTL indexes and
	// $slice projections, and its updates are not atomic.
	ferret    bool
	dataDir   string
	logger    *slog.Logger
	opTimeout time.Duration
	// locks serializes read-modify-write updates of one document in
	// embedded mode, because FerretDB's updates are not atomic. It is nil
	// on a real MongoDB, whose updates are.
	locks *stripedLock
	// tails caches conversation tails in embedded mode; nil otherwise.
	tails *tailCache

	sites, agents, visitors, conversations, messages, faq, feedback, tokens, active *mongo.Collection
}

// Open connects to the database that cfg names, starting the embedded
// FerretDB first if cfg.Embedded is set, and ensures that every collection
// and index exists.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.Database == "" {
		cfg.Database = "kefu"
	}
	if !chat.ValidKey(cfg.Database) { // it also names a file in DataDir
		return nil, fmt.Errorf("store: invalid database name %q", cfg.Database)
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = DefaultOpTimeout
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	s := &Store{logger: cfg.Logger, opTimeout: cfg.OpTimeout}

	opts := options.Client().
		SetServerSelectionTimeout(5 * time.Second).
		SetConnectTimeout(5 * time.Second)
	if cfg.Embedded {
		if cfg.DataDir == "" {
			return nil, errors.New("store: embedded mode needs a data dir")
		}
		e, err := StartEmbedded(ctx, cfg.DataDir, cfg.Logger)
		if err != nil {
			return nil, err
		}
		s.embedded, s.dataDir, s.locks, s.tails = e, cfg.DataDir, &stripedLock{}, newTailCache()
		// One local node: there is no failover to retry across, and
		// FerretDB has no sessions to make a retry safe.
		opts.ApplyURI(e.URI()).SetRetryWrites(false).SetRetryReads(false)
	} else {
		if cfg.URI == "" {
			return nil, errors.New("store: no MongoDB URI")
		}
		opts.ApplyURI(cfg.URI).
			SetWriteConcern(writeconcern.Majority()).
			SetRetryWrites(true).
			SetRetryReads(true)
	}

	client, err := mongo.Connect(opts)
	if err != nil {
		s.closeEmbedded()
		return nil, fmt.Errorf("store: connect: %w", err)
	}
	s.client = client
	s.db = client.Database(cfg.Database)
	s.sites = s.db.Collection(collSites)
	s.agents = s.db.Collection(collAgents)
	s.visitors = s.db.Collection(collVisitors)
	s.conversations = s.db.Collection(collConversations)
	s.messages = s.db.Collection(collMessages)
	s.faq = s.db.Collection(collFAQ)
	s.feedback = s.db.Collection(collFeedback)
	s.tokens = s.db.Collection(collTokens)
	s.active = s.db.Collection(collActive)

	if err := s.Ping(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	if s.ferret = s.embedded != nil || s.isFerretDB(ctx); s.ferret && s.locks == nil {
		s.locks, s.tails = &stripedLock{}, newTailCache()
	}
	if err := s.EnsureIndexes(ctx); err != nil {
		_ = s.Close(context.WithoutCancel(ctx))
		return nil, err
	}
	return s, nil
}

// Close disconnects from the database and stops the embedded FerretDB, if
// any.
func (s *Store) Close(ctx context.Context) error {
	err := s.client.Disconnect(ctx)
	s.closeEmbedded()
	if err != nil {
		return fmt.Errorf("store: disconnect: %w", err)
	}
	return nil
}

func (s *Store) closeEmbedded() {
	if s.embedded != nil {
		s.embedded.Close()
	}
}

// isFerretDB reports whether the server is FerretDB, which says so in its
// buildInfo.
func (s *Store) isFerretDB(ctx context.Context) bool {
	var info bson.M
	if err := s.db.RunCommand(ctx, bson.D{{Key: "buildInfo", Value: 1}}).Decode(&info); err != nil {
		return false
	}
	_, ok := info["ferretdbVersion"]
	return ok
}

// Embedded reports whether the store runs on the in-process FerretDB.
func (s *Store) Embedded() bool { return s.embedded != nil }

// Ping reports whether the database answers.
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

// lock serializes read-modify-write updates of the document key in
// embedded mode; on a real MongoDB it does nothing.
func (s *Store) lock(key string) (unlock func()) {
	if s.locks == nil {
		return func() {}
	}
	return s.locks.lock(key)
}
