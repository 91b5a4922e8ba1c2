package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Backup writes a consistent copy of the database in dataDir to dest,
// which must not exist yet, while kefu (and other processes) keep writing:
// SQLite copies one read transaction's view of it. It opens its own
// connection and runs no migration, so a newer kefu backing up a running
// older one leaves the database as it is. The copy is owner-only and on
// disk when Backup returns; Open can use it in place of DBFile.
func Backup(ctx context.Context, dataDir, dest string) error {
	src := filepath.Join(dataDir, DBFile)
	if _, err := os.Stat(src); err != nil {
		return fmt.Errorf("sqlite: backup: no embedded database: %w", err)
	}
	return backupFile(ctx, src, dest)
}

// Backup writes a consistent copy of the store's database to dest, as the
// package's Backup does.
func (s *Store) Backup(ctx context.Context, dest string) error { return backupFile(ctx, s.path, dest) }

func backupFile(ctx context.Context, src, dest string) (err error) {
	// Created here, empty and owner-only, so that the copy is never
	// readable by others; VACUUM INTO fills an empty file.
	f, err := os.OpenFile(dest, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("sqlite: backup: %w", err)
	}
	f.Close()
	defer func() {
		if err != nil {
			if rerr := os.Remove(dest); rerr != nil && !errors.Is(rerr, fs.ErrNotExist) {
				err = errors.Join(err, rerr)
			}
		}
	}()
	// Its own connection: the store's readers are query-only, which VACUUM
	// INTO refuses, and its writer must stay free for appends. No op
	// timeout: a large database takes as long as it takes, and ctx still
	// cancels it.
	db, err := sql.Open("sqlite", dsn(src, "_pragma=busy_timeout(5000)"))
	if err == nil {
		_, err = db.ExecContext(ctx, `VACUUM INTO ?`, dest)
		err = errors.Join(err, db.Close())
	}
	if err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dest, err)
	}
	// VACUUM INTO does not flush its output.
	if err := syncFile(dest); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dest, err)
	}
	if err := syncFile(filepath.Dir(dest)); err != nil {
		return fmt.Errorf("sqlite: backup to %s: %w", dest, err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}

// ContentKeys returns the keys of the content that the attachment records
// in the database file at path name (files and thumbnails), each once, in
// order: what a backup of that file must carry besides it. It only reads
// the file, so it works on a backup copy as it is.
func ContentKeys(ctx context.Context, path string) ([]string, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("sqlite: content keys: %w", err)
	}
	db, err := sql.Open("sqlite", dsn(path, "mode=ro", "_pragma=busy_timeout(5000)"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: content keys of %s: %w", path, err)
	}
	defer db.Close()
	var tables int
	if err := db.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'attachments'`).Scan(&tables); err != nil {
		return nil, fmt.Errorf("sqlite: content keys of %s: %w", path, err)
	}
	if tables == 0 {
		return nil, nil // a database from before files (schema 10)
	}
	rows, err := db.QueryContext(ctx, `SELECT blob FROM attachments UNION SELECT thumb FROM attachments WHERE thumb != '' ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: content keys of %s: %w", path, err)
	}
	defer rows.Close()
	var keys []string
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, fmt.Errorf("sqlite: content keys of %s: %w", path, err)
		}
		keys = append(keys, k)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: content keys of %s: %w", path, err)
	}
	return keys, nil
}
