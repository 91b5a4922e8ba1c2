package store

import (
	"context"
	"database/sql"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// mustOpenStore opens a store on an embedded FerretDB in a fresh temporary
// directory, closed when the test ends.
func mustOpenStore(t testing.TB) *Store {
	t.Helper()
	return mustOpenStoreAt(t, t.TempDir())
}

func mustOpenStoreAt(t testing.TB, dir string) *Store {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, Config{Embedded: true, DataDir: dir, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code chat.Code) {
	t.Helper()
	if got := chat.ErrorCode(err); got != code {
		t.Fatalf("error = %v (code %q), want code %q", err, got, code)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// now is a timestamp with the millisecond precision the database keeps.
func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func TestReopenKeepsDataAndEnsureIndexesIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	s, err := Open(ctx, Config{Embedded: true, DataDir: dir, Logger: testLogger(t)})
	must(t, err)
	must(t, s.CreateSite(ctx, &chat.Site{Key: "acme", Name: "Acme", CreatedAt: now()}))
	must(t, s.EnsureIndexes(ctx))
	must(t, s.Close(ctx))

	s = mustOpenStoreAt(t, dir)
	must(t, s.EnsureIndexes(ctx))
	got, err := s.Site(ctx, "acme")
	must(t, err)
	if got.Name != "Acme" {
		t.Errorf("site name after reopen = %q, want Acme", got.Name)
	}
	// The unique index still holds after reopening and re-ensuring.
	wantCode(t, s.CreateSite(ctx, &chat.Site{Key: "acme"}), chat.CodeConflict)
}

// TestIDLookupsUseIndex checks, with SQLite's own planner, that the query
// FerretDB runs for {_id: x} is answered from an index on every collection,
// not by scanning the table.
func TestIDLookupsUseIndex(t *testing.T) {
	s := mustOpenStore(t)
	db, err := sql.Open("sqlite", "file:"+filepath.Join(s.embedded.DataDir(), "kefu.sqlite"))
	must(t, err)
	defer db.Close()
	tables, err := collectionTables(context.Background(), db)
	must(t, err)
	if len(tables) < len(collectionNames()) {
		t.Fatalf("found tables %v, want one per collection %v", tables, collectionNames())
	}
	for _, table := range tables {
		t.Run(table, func(t *testing.T) {
			// The text FerretDB v1.24.2's SQLite backend sends (collection.go).
			q := `EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM ` + quoteIdent(table) +
				` WHERE _ferretdb_sjson->'$._id' = ?`
			rows, err := db.Query(q, `"x"`)
			must(t, err)
			defer rows.Close()
			var plan []string
			for rows.Next() {
				var id, parent, notused int
				var detail string
				must(t, rows.Scan(&id, &parent, &notused, &detail))
				plan = append(plan, detail)
			}
			must(t, rows.Err())
			joined := strings.Join(plan, "; ")
			if !strings.Contains(joined, "USING INDEX") || strings.HasPrefix(joined, "SCAN") {
				t.Errorf("query plan = %q, want a search using an index", joined)
			}
		})
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		code chat.Code // "" for a plain configuration error
	}{
		{"embedded without data dir", Config{Embedded: true}, ""},
		{"no uri", Config{}, ""},
		{"bad database name", Config{Embedded: true, DataDir: t.TempDir(), Database: "../x"}, ""},
		{"unreachable server", Config{URI: "mongodb://127.0.0.1:1/?connectTimeoutMS=200"}, chat.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			tt.cfg.Logger = testLogger(t)
			s, err := Open(ctx, tt.cfg)
			if err == nil {
				s.Close(ctx)
				t.Fatal("Open succeeded")
			}
			if tt.code != "" {
				wantCode(t, err, tt.code)
			}
		})
	}
}
