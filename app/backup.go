package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/store/sqlite"
)

// ErrNotEmbedded is returned by Backup on an install that uses MongoDB,
// which has its own backup tools.
var ErrNotEmbedded = errors.New("kefu backup copies the embedded database; this install uses MongoDB: back it up with mongodump or your MongoDB service's snapshots")

// FilesDir is where the embedded store keeps the content of files sent
// in chats under a data dir.
func FilesDir(dataDir string) string { return filepath.Join(dataDir, "files") }

// BackupFilesDir is the folder next to a backup's database copy that
// holds the files it names: path + ".files".
func BackupFilesDir(path string) string { return path + ".files" }

// BackupProgress says how far a backup's copy of files has come.
type BackupProgress struct {
	Files, Of int   // files copied (or found gone) so far, of how many
	Bytes     int64 // their size
}

// BackupResult says what a backup holds.
type BackupResult struct {
	Files int   // files copied
	Bytes int64 // their size
	// Missing are the keys of files the database copy names that were
	// not in the files folder: deleted by retention after the copy, or
	// lost before it.
	Missing []string
}

// Backup writes a consistent copy of the embedded database to path, and
// the files that copy names to BackupFilesDir(path), while kefu may be
// running; neither may exist. The database is copied first: a file sent
// later is not named by the copy, and one deleted since is reported in
// Missing. progress, if not nil, is called after each file. On failure
// nothing is left behind.
func Backup(ctx context.Context, cfg config.Config, path string, progress func(BackupProgress)) (res BackupResult, err error) {
	if !cfg.Embedded() {
		return res, ErrNotEmbedded
	}
	filesDir := BackupFilesDir(path)
	if _, err := os.Lstat(filesDir); !errors.Is(err, fs.ErrNotExist) {
		return res, fmt.Errorf("%s exists already: back up to a new name", filesDir)
	}
	if err := sqlite.Backup(ctx, EmbeddedDir(cfg.DataDir), path); err != nil {
		return res, err
	}
	defer func() {
		if err != nil { // half a backup must not pass for a whole one
			err = errors.Join(err, os.Remove(path), os.RemoveAll(filesDir))
		}
	}()
	keys, err := sqlite.ContentKeys(ctx, path)
	if err != nil {
		return res, err
	}
	to, err := blob.Create(filesDir)
	if err != nil {
		return res, err
	}
	if len(keys) == 0 {
		return res, nil
	}
	from, err := blob.Open(FilesDir(cfg.DataDir))
	if err != nil {
		return res, err
	}
	for i, key := range keys {
		n, err := from.CopyTo(ctx, key, to)
		switch {
		case chat.IsCode(err, chat.CodeNotFound):
			res.Missing = append(res.Missing, key)
		case err != nil:
			return res, fmt.Errorf("back up file %s: %w", key, err)
		default:
			res.Files++
			res.Bytes += n
		}
		if progress != nil {
			progress(BackupProgress{Files: i + 1, Of: len(keys), Bytes: res.Bytes})
		}
	}
	if err := to.Sync(); err != nil {
		return res, err
	}
	return res, nil
}
