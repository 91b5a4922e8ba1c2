package blob

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// Sweep deletes old content that no record names, and the temporary file
// of a put that died; it keeps recent content, recorded content, content
// put again, and files that are not its own.
func TestSweep(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "files")
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	put := func(s string) string {
		k, err := d.Put(ctx, "conv1", []byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	old := time.Now().Add(-48 * time.Hour)
	age := func(p string) {
		if err := os.Chtimes(p, old, old); err != nil {
			t.Fatal(err)
		}
	}
	orphan, recorded, recent, again := put("orphan"), put("recorded"), put("recent"), put("again")
	for _, k := range []string{orphan, recorded, again} {
		p, _ := d.path(k)
		age(p)
	}
	put("again") // made new
	tmp := filepath.Join(root, orphan[:2], ".put-123")
	stray := filepath.Join(root, "notes.txt")
	for _, p := range []string{tmp, stray} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		age(p)
	}

	var asked []string
	n, err := d.Sweep(ctx, time.Now().Add(-24*time.Hour), func(_ context.Context, keys []string) ([]string, error) {
		asked = append(asked, keys...)
		return slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == recorded }), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(asked)
	want := []string{orphan, recorded}
	slices.Sort(want)
	if !slices.Equal(asked, want) {
		t.Errorf("asked about %v, want only the old content %v", asked, want)
	}
	if n != 2 {
		t.Errorf("Sweep deleted %d, want the orphan and the temporary file", n)
	}
	if _, err := d.Get(ctx, orphan); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the orphan is still there: %v", err)
	}
	for _, k := range []string{recorded, recent, again} {
		if _, err := d.Get(ctx, k); err != nil {
			t.Errorf("kept content is gone: %v", err)
		}
	}
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("the dead put's temporary file is still there: %v", err)
	}
	if _, err := os.Stat(stray); err != nil {
		t.Errorf("a file that is not a key was deleted: %v", err)
	}
}
