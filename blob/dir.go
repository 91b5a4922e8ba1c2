// Package blob keeps files by the SHA-256 of their content and a scope, in
// a folder: where the embedded store keeps attachments. The same content
// in one scope is kept once, however often it is put; a file is written to a temporary name,
// synced and renamed, so that a crash leaves either the whole file or
// none of it.
package blob

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/kefu/kefu/chat"
)

// Dir is a folder of content-addressed files.
type Dir struct {
	root string
}

// Open returns the folder at root, creating it if need be.
func Open(root string) (*Dir, error) {
	if err := os.MkdirAll(root, 0o700); err != nil {
		return nil, fmt.Errorf("blob: %w", err)
	}
	return &Dir{root: root}, nil
}

// Key is the name content is kept under within scope (a conversation):
// the hex SHA-256 of the scope and the content. The same file sent twice
// in one conversation is kept once; in two conversations, twice, so that
// deleting one conversation's files never takes another's.
func Key(scope string, data []byte) string {
	h := sha256.New()
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write(data)
	return hex.EncodeToString(h.Sum(nil))
}

// path returns where key lives, or an error for anything that is not a
// key: a key never names a path of its own.
func (d *Dir) path(key string) (string, error) {
	if len(key) != sha256.Size*2 {
		return "", chat.Invalid("blob: %q is not a content key", key)
	}
	if _, err := hex.DecodeString(key); err != nil {
		return "", chat.Invalid("blob: %q is not a content key", key)
	}
	return filepath.Join(d.root, key[:2], key), nil
}

// Put keeps data under its key within scope, and returns the key.
// Putting content that is kept already changes nothing.
func (d *Dir) Put(ctx context.Context, scope string, data []byte) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	key := Key(scope, data)
	p, _ := d.path(key)
	// Content kept already is made new, so that Sweep, which takes only
	// old content, does not take it from the record about to name it.
	now := time.Now()
	if err := os.Chtimes(p, now, now); err == nil {
		return key, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", d.fail("put", err)
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", d.fail("put", err)
	}
	if err := writeFile(p, bytes.NewReader(data)); err != nil {
		return "", d.fail("put", err)
	}
	return key, nil
}

// writeFile writes what r reads to a temporary file beside p, syncs it
// and renames it to p: p has the whole content or none.
func writeFile(p string, r io.Reader) error {
	tmp, err := os.CreateTemp(filepath.Dir(p), ".put-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // gone after the rename; cleans up a failure
	_, err = io.Copy(tmp, r)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), p)
	}
	return err
}

// Get returns the content kept under key; chat.CodeNotFound when there is
// none.
func (d *Dir) Get(ctx context.Context, key string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p, err := d.path(key)
	if err != nil {
		return nil, err
	}
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, chat.NotFound("file")
	}
	if err != nil {
		return nil, d.fail("get", err)
	}
	return data, nil
}

// Open returns the content kept under key as a file to read, and its
// size; chat.CodeNotFound when there is none. The caller closes it.
func (d *Dir) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	if err := ctx.Err(); err != nil {
		return nil, 0, err
	}
	p, err := d.path(key)
	if err != nil {
		return nil, 0, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, chat.NotFound("file")
	}
	if err != nil {
		return nil, 0, d.fail("open", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, d.fail("open", err)
	}
	return f, st.Size(), nil
}

// Delete removes the content kept under key. Removing what is not there
// is not an error.
func (d *Dir) Delete(ctx context.Context, key string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	p, err := d.path(key)
	if err != nil {
		return err
	}
	if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return d.fail("delete", err)
	}
	return nil
}

// fail maps a file system error to unavailable: the disk may be full or
// failing, and a later try may work.
func (d *Dir) fail(op string, err error) error {
	return chat.Wrap(chat.CodeUnavailable, err, "blob: "+op+" a file")
}
