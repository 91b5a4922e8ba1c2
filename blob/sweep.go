package blob

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// sweepPage is how many keys Sweep asks about at once.
const sweepPage = 500

// Sweep deletes content last put before t that no record names (see
// chat.BlobStore), and the temporary files of puts that died before t.
func (d *Dir) Sweep(ctx context.Context, t time.Time, unrecorded func(ctx context.Context, keys []string) ([]string, error)) (int, error) {
	deleted := 0
	var page []string
	flush := func() error {
		if len(page) == 0 {
			return nil
		}
		gone, err := unrecorded(ctx, page)
		page = page[:0]
		if err != nil {
			return err
		}
		for _, key := range gone {
			ok, err := d.deleteOlder(key, t)
			if err != nil {
				return err
			}
			if ok {
				deleted++
			}
		}
		return nil
	}
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if errors.Is(err, fs.ErrNotExist) {
			return nil // removed while walking
		}
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() || !e.Type().IsRegular() {
			return nil
		}
		fi, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil || !fi.ModTime().Before(t) {
			return err
		}
		name := e.Name()
		if strings.HasPrefix(name, ".put-") {
			// A put that died before its rename: nobody will finish it.
			if err := os.Remove(p); err == nil {
				deleted++
			}
			return nil
		}
		if want, err := d.path(name); err != nil || want != p {
			return nil // not a key in its place: not ours to delete
		}
		page = append(page, name)
		if len(page) == sweepPage {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		return deleted, d.fail("sweep", err)
	}
	return deleted, nil
}

// deleteOlder removes key's content if it was last put before t, and
// reports whether it did. A put between the check and the removal can
// still lose: that window is a system call wide.
func (d *Dir) deleteOlder(key string, t time.Time) (bool, error) {
	p, err := d.path(key)
	if err != nil {
		return false, err
	}
	fi, err := os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil || !fi.ModTime().Before(t) {
		return false, err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return false, err
	}
	return true, nil
}
