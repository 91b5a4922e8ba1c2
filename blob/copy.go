package blob

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/kefu/kefu/chat"
)

// Create makes a new, empty folder at root for content, owner-only; it
// refuses one that exists.
func Create(root string) (*Dir, error) {
	if err := os.Mkdir(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: root}, nil
}

// Root is the folder's path.
func (d *Dir) Root() string { return d.root }

// CopyTo puts the content kept under key into to, by a hard link where
// both are on one file system (content is never changed in place, only
// replaced or removed, so a link is a copy) and by a synced copy
// otherwise. It returns the content's size; chat.CodeNotFound when there
// is none.
func (d *Dir) CopyTo(ctx context.Context, key string, to *Dir) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	src, err := d.path(key)
	if err != nil {
		return 0, err
	}
	dst, _ := to.path(key)
	fi, err := os.Stat(src)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, chat.NotFound("file")
	}
	if err != nil {
		return 0, d.fail("copy", err)
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, d.fail("copy", err)
	}
	err = os.Link(src, dst)
	if errors.Is(err, fs.ErrNotExist) {
		return 0, chat.NotFound("file") // removed since the Stat
	}
	if err != nil && !errors.Is(err, fs.ErrExist) {
		err = copyFile(src, dst)
	}
	if errors.Is(err, fs.ErrNotExist) {
		return 0, chat.NotFound("file")
	}
	if err != nil {
		return 0, d.fail("copy", err)
	}
	return fi.Size(), nil
}

// copyFile copies src to a new file dst through a temporary name.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	return writeFile(dst, in)
}

// Sync flushes the folder's entries to disk: after CopyTo's links, which
// are entries only.
func (d *Dir) Sync() error {
	err := filepath.WalkDir(d.root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || !e.IsDir() {
			return err
		}
		return syncDir(p)
	})
	if err != nil {
		return d.fail("sync", err)
	}
	return nil
}

func syncDir(p string) error {
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	return errors.Join(f.Sync(), f.Close())
}
