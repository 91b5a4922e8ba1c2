// Package mongotest gives tests a MongoDB to talk to. No real MongoDB runs
// on the machines kefu is developed on, so by default it starts an
// embedded FerretDB (SQLite backend) in a temporary directory: it speaks
// the same wire protocol, but its updates are not atomic and it scans
// where MongoDB uses an index. When KEFU_TEST_MONGODB_URI is set, tests
// use that real MongoDB instead, each in a fresh database.
//
// It is the only package that imports FerretDB, and only tests import it,
// so the kefu binary does not link FerretDB.
package mongotest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// EnvURI names the environment variable that points tests at a real
// MongoDB.
const EnvURI = "KEFU_TEST_MONGODB_URI"

// URI returns the connection string of an empty database for t. Its path
// names the database, so a client that takes its database from the URI
// needs nothing else.
//
// With KEFU_TEST_MONGODB_URI set, it is a new randomly named database on
// that server, dropped when t ends. Otherwise it is an embedded FerretDB
// on files in t.TempDir(), stopped when t ends.
func URI(t testing.TB) string {
	t.Helper()
	db := "kefutest_" + randomHex(6)
	if base := os.Getenv(EnvURI); base != "" {
		uri, err := withDatabase(base, db)
		if err != nil {
			t.Fatalf("mongotest: %s: %v", EnvURI, err)
		}
		t.Cleanup(func() {
			if err := dropDatabase(uri, db); err != nil {
				t.Errorf("mongotest: drop database %s: %v", db, err)
			}
		})
		return uri
	}
	logger := slog.New(slog.NewTextHandler(testWriter{t}, nil))
	dir := t.TempDir()
	base, stop, err := Start(context.Background(), dir, logger)
	if err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	t.Cleanup(stop)
	uri, err := withDatabase(base, db)
	if err != nil {
		t.Fatalf("mongotest: %v", err)
	}
	ferrets.Store(uri, ferretDB{dir: dir, db: db})
	t.Cleanup(func() { ferrets.Delete(uri) })
	return uri
}

// ferrets maps each URI that URI returned for an embedded FerretDB to its
// files, for IndexIDs.
var ferrets sync.Map // string -> ferretDB

type ferretDB struct{ dir, db string }

// Start runs an embedded FerretDB on SQLite files in dir, which it creates
// if needed, listening on a random loopback port. It returns the server's
// URI, which names no database and turns retryable writes off (FerretDB
// has no sessions to make a retry safe), and stop, which shuts the server
// down and waits until its files are closed. The server runs until stop,
// not until ctx ends.
//
// FerretDB logs through logger at Error level only: at Warn it reports
// every error reply it sends, such as each duplicate key.
func Start(ctx context.Context, dir string, logger *slog.Logger) (uri string, stop func(), err error) {
	if logger == nil {
		logger = slog.Default()
	}
	dir, err = filepath.Abs(dir)
	if err != nil {
		return "", nil, fmt.Errorf("data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", nil, fmt.Errorf("data dir: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:   slog.New(minLevel{h: logger.Handler(), min: slog.LevelError}),
		Handler:  "sqlite",
		// The trailing slash makes FerretDB treat it as a directory.
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return "", nil, fmt.Errorf("start FerretDB: %w", err)
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := f.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("FerretDB stopped", "err", err)
		}
	}()
	// MongoDBURI waits for the listener that Run starts.
	uri = strings.TrimSuffix(f.MongoDBURI(), "/") + "/?retryWrites=false"
	return uri, func() { cancel(); <-done }, nil
}

// withDatabase returns uri with its path set to db. net/url cannot parse
// a URI with several hosts, so it splits the string itself. Credentials
// authenticate against the path's database unless authSource says
// otherwise, so it keeps them pointed where they were.
func withDatabase(uri, db string) (string, error) {
	scheme, rest, ok := strings.Cut(uri, "://")
	if !ok {
		return "", fmt.Errorf("%q is not a MongoDB URI", uri)
	}
	hosts, query := rest, ""
	if i := strings.IndexByte(rest, '?'); i >= 0 {
		hosts, query = rest[:i], rest[i+1:]
	}
	hosts, oldDB, _ := strings.Cut(hosts, "/")
	if strings.Contains(hosts, "@") && !strings.Contains(query, "authSource=") {
		if oldDB == "" {
			oldDB = "admin"
		}
		query = strings.TrimPrefix(query+"&authSource="+oldDB, "&")
	}
	out := scheme + "://" + hosts + "/" + db
	if query != "" {
		out += "?" + query
	}
	return out, nil
}

func dropDatabase(uri, db string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	client, err := mongo.Connect(options.Client().ApplyURI(uri))
	if err != nil {
		return err
	}
	defer client.Disconnect(context.WithoutCancel(ctx))
	return client.Database(db).Drop(ctx)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // never fails on Linux
	return hex.EncodeToString(b)
}

// testWriter sends log lines to the test's log.
type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// minLevel drops records below min before they reach h. It defers
// WithAttrs and WithGroup until a record is kept: FerretDB attaches every
// SQL statement and its arguments (whole documents) to a child logger per
// query, and formatting them eagerly costs about a tenth of its CPU time.
type minLevel struct {
	h    slog.Handler
	min  slog.Level
	with []func(slog.Handler) slog.Handler
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

func (m minLevel) Handle(ctx context.Context, r slog.Record) error {
	h := m.h
	for _, w := range m.with {
		h = w(h)
	}
	return h.Handle(ctx, r)
}

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler {
	return m.then(func(h slog.Handler) slog.Handler { return h.WithAttrs(as) })
}

func (m minLevel) WithGroup(name string) slog.Handler {
	return m.then(func(h slog.Handler) slog.Handler { return h.WithGroup(name) })
}

func (m minLevel) then(w func(slog.Handler) slog.Handler) minLevel {
	with := make([]func(slog.Handler) slog.Handler, len(m.with), len(m.with)+1)
	copy(with, m.with)
	return minLevel{h: m.h, min: m.min, with: append(with, w)}
}
