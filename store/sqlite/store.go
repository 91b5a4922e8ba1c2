// Package sqlite keeps kefu's data in one SQLite file in the data dir,
// through the pure-Go driver modernc.org/sqlite: the embedded default
// store, which needs no setup and no network listener.
//
// A commit is durable when it returns (WAL with synchronous=FULL). All
// writes go through one connection; reads use a separate pool of
// read-only connections, which WAL lets run while a write is in progress.
// Message appends are grouped: a single goroutine takes whatever appends
// are waiting and commits them together, each in its own savepoint, so
// that one fsync acknowledges many messages (see batch.go).
//
// Correctness never depends on anything held in memory: every check
// (site walls, one open conversation per visitor, client-id dedupe,
// contiguous seqs) is a query or a constraint inside the write
// transaction, so two processes on one file stay consistent.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/kefu/kefu/chat"
)

var _ chat.Store = (*Store)(nil)

// File names in the data dir.
const (
	// DBFile is the database file.
	DBFile = "kefu.db"
	// ferretFile is the embedded FerretDB database of unreleased builds.
	ferretFile = "kefu.sqlite"
)

// Defaults of Config.
const (
	DefaultOpTimeout = 10 * time.Second
	DefaultReaders   = 4
	DefaultMaxBatch  = 128
)

// ErrFerretDBData is returned by Open for a data dir that holds the
// embedded FerretDB database of kefu's unreleased first builds, which this
// store cannot read.
var ErrFerretDBData = errors.New("the data dir holds kefu.sqlite, the embedded FerretDB database of an unreleased kefu build that this version cannot read; " +
	"move that data dir aside or delete it (nothing in it was ever released) and start kefu again")

// Config says where the database lives and how the store behaves.
type Config struct {
	// DataDir holds kefu.db. It is created, with mode 0700, if missing.
	DataDir string
	// Logger receives the store's own log lines; slog.Default() when nil.
	Logger *slog.Logger
	// OpTimeout bounds each call whose context has no earlier deadline;
	// DefaultOpTimeout when zero.
	OpTimeout time.Duration
	// Readers is the size of the read-only connection pool;
	// DefaultReaders when zero.
	Readers int
	// MaxBatch is how many waiting appends one commit takes at most;
	// DefaultMaxBatch when zero. 1 turns grouping off: each append then
	// commits on its own, in the caller's goroutine.
	MaxBatch int
}

// Store implements chat.Store on SQLite. It is safe for concurrent use.
type Store struct {
	path      string  // the database file
	w         *sql.DB // the one writer connection
	r         *sql.DB // read-only pool
	logger    *slog.Logger
	opTimeout time.Duration
	stmts     appendStmts
	reads     readStmts

	maxBatch int
	appends  chan *appendReq // to the writer goroutine; nil when MaxBatch is 1
	quit     chan struct{}   // closed by Close
	stopped  chan struct{}   // closed when the writer goroutine has returned
	once     sync.Once
}

// Open opens, creating if needed, <cfg.DataDir>/kefu.db and brings its
// schema up to date.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	if cfg.DataDir == "" {
		return nil, errors.New("sqlite: no data dir")
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.OpTimeout <= 0 {
		cfg.OpTimeout = DefaultOpTimeout
	}
	if cfg.Readers <= 0 {
		cfg.Readers = DefaultReaders
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = DefaultMaxBatch
	}
	path, err := prepareFiles(cfg.DataDir)
	if err != nil {
		return nil, err
	}

	s := &Store{
		path:      path,
		logger:    cfg.Logger,
		opTimeout: cfg.OpTimeout,
		maxBatch:  cfg.MaxBatch,
		quit:      make(chan struct{}),
		stopped:   make(chan struct{}),
	}
	// _txlock=immediate: a write transaction takes the write lock when it
	// begins, so two of them (in two processes) wait for each other under
	// busy_timeout instead of failing when the second tries to write.
	s.w, err = sql.Open("sqlite", dsn(path,
		"_pragma=busy_timeout(5000)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(FULL)",
		"_pragma=foreign_keys(1)",
		"_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.w.SetMaxOpenConns(1)
	s.w.SetMaxIdleConns(1)
	s.w.SetConnMaxLifetime(0)
	s.w.SetConnMaxIdleTime(0)

	octx, cancel := s.op(ctx)
	defer cancel()
	from, err := migrate(octx, s.w, migrations)
	if err != nil {
		s.w.Close()
		return nil, err
	}
	if from != len(migrations) {
		s.logger.Info("sqlite: schema migrated", "path", path, "from", from, "to", len(migrations))
	}
	// The database is in WAL mode now, which is kept in the file, so the
	// readers need not set it.
	s.r, err = sql.Open("sqlite", dsn(path,
		"_pragma=busy_timeout(5000)",
		"_pragma=query_only(1)"))
	if err != nil {
		s.w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	s.r.SetMaxOpenConns(cfg.Readers)
	s.r.SetMaxIdleConns(cfg.Readers)
	var one int
	if err := s.r.QueryRowContext(octx, "SELECT 1").Scan(&one); err != nil {
		s.closeDBs()
		return nil, mapErr(err, "open", "database")
	}
	if err := s.stmts.prepare(octx, s.w); err != nil {
		s.closeDBs()
		return nil, err
	}
	if err := s.backfillSearch(ctx); err != nil {
		s.closeDBs()
		return nil, err
	}
	// The WAL and shared-memory files now exist; SQLite gives them the
	// database file's mode, but an older copy might be wider.
	if err := restrictFiles(path); err != nil {
		s.closeDBs()
		return nil, err
	}

	if s.maxBatch > 1 {
		s.appends = make(chan *appendReq)
		go s.writeLoop()
	} else {
		close(s.stopped)
	}
	return s, nil
}

// dsn is the driver's name for the database file at path with params.
func dsn(path string, params ...string) string {
	u := "file:" + (&url.URL{Path: path}).EscapedPath() + "?"
	for i, p := range params {
		if i > 0 {
			u += "&"
		}
		u += p
	}
	return u
}

// prepareFiles creates the data dir and the database file with modes that
// only the owner can read, and refuses a data dir of the old FerretDB
// format. It returns the database file's path.
func prepareFiles(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("sqlite: create data dir: %w", err)
	}
	if err := restrictMode(dir, 0o700); err != nil {
		return "", err
	}
	path := filepath.Join(dir, DBFile)
	_, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if _, ferr := os.Stat(filepath.Join(dir, ferretFile)); ferr == nil {
			return "", fmt.Errorf("sqlite: %s: %w", dir, ErrFerretDBData)
		}
		// Created here rather than by SQLite, which would use 0644; the
		// WAL and shared-memory files copy this file's mode.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) { // another Open won the race
			return "", fmt.Errorf("sqlite: create database file: %w", err)
		}
		if f != nil {
			f.Close()
		}
	case err != nil:
		return "", fmt.Errorf("sqlite: %w", err)
	}
	return path, restrictFiles(path)
}

// restrictFiles makes the database file and its companions owner-only.
func restrictFiles(path string) error {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := restrictMode(p, 0o600); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}

// restrictMode removes from path's mode every permission bit outside max.
func restrictMode(path string, max fs.FileMode) error {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("sqlite: %w", err)
	}
	if mode := fi.Mode().Perm(); mode&^max != 0 {
		if err := os.Chmod(path, mode&max); err != nil {
			return fmt.Errorf("sqlite: restrict %s: %w", path, err)
		}
	}
	return nil
}

// Close stops the append writer, waiting for the batch in progress, and
// closes the database. Appends made after Close fail.
func (s *Store) Close() error {
	s.once.Do(func() { close(s.quit) })
	<-s.stopped
	return s.closeDBs()
}

func (s *Store) closeDBs() error {
	s.stmts.close()
	s.reads.close()
	var errs []error
	if s.r != nil {
		errs = append(errs, s.r.Close())
	}
	if err := s.w.Close(); err != nil {
		errs = append(errs, fmt.Errorf("sqlite: close: %w", err))
	}
	return errors.Join(errs...)
}

// Ping reports whether the database can be read and written: it rewrites
// one row, so that a full or failing disk shows as unavailable.
func (s *Store) Ping(ctx context.Context) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var one int
	if err := s.queryRow(ctx, "SELECT 1").Scan(&one); err != nil {
		return mapErr(err, "ping", "database")
	}
	if _, err := s.w.ExecContext(ctx, `UPDATE health SET checked_at = ? WHERE id = 1`, millis(time.Now())); err != nil {
		return mapErr(err, "ping write", "database")
	}
	// That write may still fit where the WAL has room; new messages need
	// space of their own.
	var st syscall.Statfs_t
	if err := syscall.Statfs(filepath.Dir(s.path), &st); err == nil && st.Bavail*uint64(st.Bsize) < minFreeBytes {
		return chat.Wrap(chat.CodeUnavailable, fmt.Errorf("sqlite: %d bytes free in %s", st.Bavail*uint64(st.Bsize), filepath.Dir(s.path)), "database disk is full")
	}
	return nil
}

// minFreeBytes is the free space below which Ping reports the database
// unavailable: about a thousand messages' worth.
const minFreeBytes = 1 << 20

// op bounds one store call by the configured timeout, unless ctx already
// ends sooner.
func (s *Store) op(ctx context.Context) (context.Context, context.CancelFunc) {
	if d, ok := ctx.Deadline(); ok && time.Until(d) <= s.opTimeout {
		return ctx, func() {}
	}
	return context.WithTimeout(ctx, s.opTimeout)
}
