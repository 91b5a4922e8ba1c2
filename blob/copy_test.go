package blob

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kefu/kefu/chat"
)

// CopyTo links content into another folder on the same file system and
// copies it onto another (/dev/shm, where there is one); the copy reads
// back the same, and unknown content is not found.
func TestCopyTo(t *testing.T) {
	ctx := context.Background()
	from, err := Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("备份 "), 50_000)
	key, err := from.Put(ctx, "c1", data)
	if err != nil {
		t.Fatal(err)
	}
	dests := map[string]string{"same file system": t.TempDir()}
	if shm, err := os.MkdirTemp("/dev/shm", "kefu-copy-"); err == nil {
		t.Cleanup(func() { os.RemoveAll(shm) })
		dests["another file system"] = shm
	}
	for name, parent := range dests {
		t.Run(name, func(t *testing.T) {
			to, err := Create(filepath.Join(parent, "backup.files"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := Create(to.Root()); err == nil {
				t.Error("Create over an existing folder succeeded")
			}
			n, err := from.CopyTo(ctx, key, to)
			if err != nil || n != int64(len(data)) {
				t.Fatalf("CopyTo = %d, %v", n, err)
			}
			got, err := to.Get(ctx, key)
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("the copy reads %d bytes, %v", len(got), err)
			}
			if err := to.Sync(); err != nil {
				t.Fatal(err)
			}
			src, _ := from.path(key)
			dst, _ := to.path(key)
			a, _ := os.Stat(src)
			b, _ := os.Stat(dst)
			if linked := os.SameFile(a, b); linked != (name == "same file system") {
				t.Errorf("linked = %v on %s", linked, name)
			}
			if b.Mode().Perm() != 0o600 {
				t.Errorf("the copy's mode is %v, want 0600", b.Mode().Perm())
			}
			if _, err := from.CopyTo(ctx, Key("c1", []byte("never kept")), to); !chat.IsCode(err, chat.CodeNotFound) {
				t.Errorf("CopyTo of unknown content: %v", err)
			}
		})
	}
}
