package app

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/store/mongo"
	"github.com/kefu/kefu/store/sqlite"
)

// Database is a chat.Store that can be closed.
type Database interface {
	chat.Store
	Close(ctx context.Context) error
}

// embeddedDB is the SQLite store as a Database.
type embeddedDB struct{ *sqlite.Store }

func (d embeddedDB) Close(context.Context) error { return d.Store.Close() }

// EmbeddedDir is where the embedded database keeps its file under a data
// dir.
func EmbeddedDir(dataDir string) string { return filepath.Join(dataDir, "db") }

// OpenDatabase opens the store cfg names: MongoDB when it has a URI, the
// embedded SQLite file in the data dir otherwise. kefu's commands that
// work on a stopped install use it too.
func OpenDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (Database, error) {
	if cfg.Embedded() {
		s, err := sqlite.Open(ctx, sqlite.Config{DataDir: EmbeddedDir(cfg.DataDir), Logger: log})
		if err != nil {
			return nil, err
		}
		return embeddedDB{s}, nil
	}
	return mongo.Open(ctx, mongo.Config{URI: cfg.MongoDBURI, Database: cfg.MongoDBDatabase, Logger: log})
}

// OpenBlobs returns where db's install keeps the content of files sent in
// chats: the data dir's files folder with the embedded store, GridFS
// with MongoDB, where every node serves every file. It is nil for a
// store that keeps no files.
func OpenBlobs(cfg config.Config, db Database) (chat.BlobStore, error) {
	if cfg.Embedded() {
		dir, err := blob.Open(FilesDir(cfg.DataDir))
		if err != nil {
			return nil, fmt.Errorf("open the files folder: %w", err)
		}
		return dir, nil
	}
	if g, ok := db.(interface{ Blobs() chat.BlobStore }); ok {
		return g.Blobs(), nil
	}
	return nil, nil
}

// retentionInterval is how often expired data is purged.
const retentionInterval = time.Hour

// startRetention purges what cfg's retention policy lets go, at start and
// then hourly, until the returned stop is called.
func (m *Main) startRetention(cfg config.Config) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		chat.RunRetention(ctx, m.store, m.blobs, cfg.Retention(), retentionInterval, time.Now, m.Logger)
	}()
	return func() { cancel(); <-done }
}
