package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/kefu/kefu/chat"
)

// mapErr turns a driver error into the error kefu's callers expect: op
// names the failed operation for logs, what names the thing for the
// caller ("conversation").
func mapErr(err error, op, what string) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, sql.ErrNoRows):
		return chat.NotFound(what)
	case isUnique(err):
		return chat.Wrap(chat.CodeConflict, fmt.Errorf("sqlite: %s: %w", op, err), what+" already exists")
	case isUnavailable(err):
		return chat.Wrap(chat.CodeUnavailable, fmt.Errorf("sqlite: %s: %w", op, err), "database unavailable")
	}
	var ce *chat.Error
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// sqliteCode returns SQLite's extended result code of err, or 0.
func sqliteCode(err error) int {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()
	}
	return 0
}

// isUnique reports a violated unique index or primary key.
func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// isUnavailable reports an error that a retry may not get: a lock held
// for longer than busy_timeout, a full disk, a failing disk, or a
// deadline. These pass, and the client resends.
func isUnavailable(err error) bool {
	c := sqliteCode(err) & 0xff // the primary code
	return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED ||
		c == sqlite3.SQLITE_FULL || c == sqlite3.SQLITE_IOERR ||
		errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		errors.Is(err, sql.ErrConnDone)
}

// updated maps the result of an UPDATE or DELETE of one thing: no row
// matched means it does not exist (or is another site's).
func updated(res sql.Result, err error, op, what string) error {
	if err != nil {
		return mapErr(err, op, what)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return mapErr(err, op, what)
	}
	if n == 0 {
		return chat.NotFound(what)
	}
	return nil
}

// collect reads every row of a query with scan. The slice is never nil.
func collect[T any](rows *sql.Rows, err error, op, what string, scan func(rowScanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, mapErr(err, op, what)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapErr(err, op, what)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err, op, what)
	}
	return out, nil
}
