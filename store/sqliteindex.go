package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // the "sqlite" driver, which FerretDB links anyway
)

// idExpr is the expression FerretDB's SQLite backend compares when it
// pushes {_id: x} down. Its own unique _id index is built on
// _ferretdb_sjson->"_id", and SQLite only uses an expression index whose
// expression matches the query's, so without a second index on exactly
// this expression every lookup by _id reads the whole table.
const idExpr = `_ferretdb_sjson->'$._id'`

// addIDIndexes creates, on every collection table of database db in the
// embedded data dir, an index on idExpr. It is idempotent. FerretDB v1 is
// frozen, so this table layout will not change under us.
func addIDIndexes(ctx context.Context, dataDir, db string) error {
	path := filepath.Join(dataDir, db+".sqlite")
	// Writes go through FerretDB's own connections at the same time: wait
	// for its locks rather than fail with SQLITE_BUSY.
	dsn := "file:" + path + "?" + url.Values{"_pragma": {"busy_timeout(10000)"}}.Encode()
	conn, err := sql.Open("sqlite", dsn)
	if err != nil {
		return fmt.Errorf("store: open %s: %w", path, err)
	}
	defer conn.Close()

	tables, err := collectionTables(ctx, conn)
	if err != nil {
		return fmt.Errorf("store: list tables of %s: %w", path, err)
	}
	for _, t := range tables {
		q := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s ((%s))`,
			quoteIdent(idIndexName(t)), quoteIdent(t), idExpr)
		if _, err := conn.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("store: index _id of %s: %w", t, err)
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

// idIndexName names kefu's _id index of a table.
func idIndexName(table string) string { return table + "_kefu_id" }

// quoteIdent quotes an SQLite identifier.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }
