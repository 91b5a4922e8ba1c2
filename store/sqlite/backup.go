package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
)

// Backup writes a consistent copy of the database to path, which must not
// exist yet, while the store (and other processes) keep writing: SQLite
// copies one read transaction's view of it. The copy is a database file
// like the original, owner-only, that Open can use in place of DBFile.
func (s *Store) Backup(ctx context.Context, path string) error {
	// Created here, empty and owner-only, so that the copy is never
	// readable by others; VACUUM INTO fills an empty file.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	f.Close()
	// Its own connection: the readers are query-only, which VACUUM INTO
	// refuses, and the writer must stay free for appends. No op timeout: a
	// large database takes as long as it takes, and ctx still cancels it.
	db, err := sql.Open("sqlite", dsn(s.path, "_pragma=busy_timeout(5000)"))
	if err == nil {
		_, err = db.ExecContext(ctx, `VACUUM INTO ?`, path)
		err = errors.Join(err, db.Close())
	}
	if err != nil {
		if rerr := os.Remove(path); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("sqlite: backup to %s: %w", path, err)
	}
	return nil
}
