package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// Embedded is an in-process FerretDB that keeps its data in SQLite files in
// a data directory and listens on a random loopback port.
type Embedded struct {
	f       *ferretdb.FerretDB
	uri     string
	dataDir string
	stop    context.CancelFunc
	done    chan struct{}
}

// StartEmbedded starts FerretDB on the SQLite files in dataDir, creating
// the directory if needed. FerretDB logs through logger at Error level
// only: at Warn it reports every error reply it sends, such as each
// duplicate key. The server runs until Close, not until ctx ends.
func StartEmbedded(ctx context.Context, dataDir string, logger *slog.Logger) (*Embedded, error) {
	if logger == nil {
		logger = slog.Default()
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	f, err := ferretdb.New(&ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: "127.0.0.1:0"},
		Logger:   slog.New(minLevel{h: logger.Handler(), min: slog.LevelError}),
		Handler:  "sqlite",
		// The trailing slash makes FerretDB treat it as a directory.
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return nil, fmt.Errorf("store: start embedded FerretDB: %w", err)
	}
	runCtx, stop := context.WithCancel(context.WithoutCancel(ctx))
	e := &Embedded{f: f, dataDir: dir, stop: stop, done: make(chan struct{})}
	go func() {
		defer close(e.done)
		if err := f.Run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
			logger.Error("embedded FerretDB stopped", "err", err)
		}
	}()
	// MongoDBURI waits for the listener that Run starts.
	e.uri = f.MongoDBURI()
	return e, nil
}

// URI is the MongoDB connection string of the embedded server.
func (e *Embedded) URI() string { return e.uri }

// DataDir is the absolute directory that holds the SQLite files.
func (e *Embedded) DataDir() string { return e.dataDir }

// Close stops the server and waits until its connections and SQLite files
// are closed.
func (e *Embedded) Close() {
	e.stop()
	<-e.done
}

// minLevel drops records below min before they reach h. It defers
// WithAttrs and WithGroup until a record is kept: FerretDB attaches every
// SQL statement and its arguments (whole documents) to a child logger per
// query, and formatting them eagerly cost about a tenth of its CPU time.
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
	return minLevel{h: m.h, min: m.min, with: append(slices.Clip(m.with), w)}
}
