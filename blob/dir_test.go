package blob

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/kefu/kefu/chat"
)

// Content goes in once under its hash, comes back the same, and goes away;
// concurrent puts of one content leave one whole file and no temporary
// ones; a key that is not a hash names no path.
func TestDir(t *testing.T) {
	ctx := context.Background()
	root := filepath.Join(t.TempDir(), "files")
	d, err := Open(root)
	if err != nil {
		t.Fatal(err)
	}
	data := bytes.Repeat([]byte("截图 screenshot "), 10000)
	var wg sync.WaitGroup
	keys := make([]string, 8)
	for i := range keys {
		wg.Go(func() {
			k, err := d.Put(ctx, "conv1", data)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys {
		if k != Key("conv1", data) {
			t.Fatalf("Put gave key %q, want %q", k, Key("conv1", data))
		}
	}
	if other, err := d.Put(ctx, "conv2", data); err != nil || other == keys[0] {
		t.Errorf("the same content in another scope: key %q (%v), want a key of its own", other, err)
	}
	got, err := d.Get(ctx, keys[0])
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get: %v, %d bytes", err, len(got))
	}
	entries, _ := os.ReadDir(filepath.Join(root, keys[0][:2]))
	found := false
	for _, e := range entries {
		found = found || e.Name() == keys[0]
		if strings.HasPrefix(e.Name(), ".put-") {
			t.Errorf("a temporary file is left: %s", e.Name())
		}
	}
	if !found {
		t.Errorf("no file named %s", keys[0])
	}
	r, size, err := d.Open(ctx, keys[0])
	if err != nil || size != int64(len(data)) {
		t.Fatalf("Open: %v, size %d, want %d", err, size, len(data))
	}
	streamed, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(streamed, data) {
		t.Error("Open streams other bytes than were put")
	}
	if err := d.Delete(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.Open(ctx, keys[0]); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("Open after Delete: %v, want not found", err)
	}
	if _, err := d.Get(ctx, keys[0]); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("Get after Delete: %v, want not found", err)
	}
	if err := d.Delete(ctx, keys[0]); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	for _, bad := range []string{"../../etc/passwd", "", "zz" + keys[0][2:], keys[0] + "/x"} {
		if _, err := d.Get(ctx, bad); !chat.IsCode(err, chat.CodeInvalid) {
			t.Errorf("Get(%q) = %v, want invalid", bad, err)
		}
	}
}
