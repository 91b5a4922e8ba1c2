package mongotest

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	_ "modernc.org/sqlite" // the "sqlite" driver, which FerretDB links anyway
)

// idExpr is the expression FerretDB's SQLite backend compares when it
// pushes a filter of exactly {_id: x} down. Its own unique _id index is
// built on _ferretdb_sjson->"_id", and SQLite only uses an expression
// index whose text matches the query's, so without a second index on
// exactly this expression every lookup and update by _id reads the whole
// table (in pure-Go SQLite, which the race detector slows tenfold).
const idExpr = `_ferretdb_sjson->'$._id'`

// IndexIDs makes the embedded FerretDB behind uri answer lookups by _id
// from an index, on every collection that exists: call it once the
// collections are created. It only makes tests faster, and does nothing
// for a real MongoDB. FerretDB v1 is frozen, so this table layout will
// not change under it.
func IndexIDs(t testing.TB, uri string) {
	t.Helper()
	v, ok := ferrets.Load(uri)
	if !ok {
		return
	}
	f := v.(ferretDB)
	if err := indexIDs(context.Background(), filepath.Join(f.dir, f.db+".sqlite")); err != nil {
		t.Fatalf("mongotest: %v", err)
	}
}

func indexIDs(ctx context.Context, path string) error {
	// FerretDB writes through its own connections at the same time: wait
	// for its locks rather than fail with SQLITE_BUSY.
	dsn := "file:" + path + "?" + url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode()
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer conn.Close()
	tables, err := collectionTables(ctx, conn)
	if err != nil {
		return fmt.Errorf("list tables of %s: %w", path, err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s ((%s))`, quoteIdent(t+"_mongotest_id"), quoteIdent(t), idExpr)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("index _id of %s: %w", t, err)
		}
	}
	return nil
}

func collectionTables(ctx context.Context, conn *sql.DB) ([]string, error) {
	rows, err := conn.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var tables []string
	for rows.Next() {
		var t string
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		tables = append(tables, t)
	}
	return tables, rows.Err()
}

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
