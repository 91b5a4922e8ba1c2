package app

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
)

// A backup carries the files its database copy names, and no others; a
// file deleted before it could be copied is reported, not fatal; a
// backup refuses a files folder that exists, and leaves nothing.
func TestBackupFiles(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := testConfig(t, dir)
	db, err := OpenDatabase(ctx, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)
	files, err := blob.Open(FilesDir(dir))
	if err != nil {
		t.Fatal(err)
	}
	contents := map[string][]byte{}
	var keys []string
	for i := range 4 {
		data := bytes.Repeat([]byte(fmt.Sprint("文件 ", i)), 1000*(i+1))
		k, err := files.Put(ctx, "c1", data)
		if err != nil {
			t.Fatal(err)
		}
		contents[k], keys = data, append(keys, k)
		if i == 3 {
			break // content with no record: not backed up
		}
		a := &chat.Attachment{Site: "demo", ConversationID: "c1", Uploader: chat.Author{Type: chat.AuthorVisitor, ID: "v"},
			Name: "f", Type: "text/plain", Size: int64(len(data)), Blob: k, CreatedAt: time.Now()}
		if err := db.CreateAttachment(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := files.Delete(ctx, keys[2]); err != nil { // as retention would
		t.Fatal(err)
	}

	path := filepath.Join(t.TempDir(), "kefu.db")
	var calls int
	res, err := Backup(ctx, cfg, path, func(BackupProgress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if res.Files != 2 || res.Bytes != int64(len(contents[keys[0]])+len(contents[keys[1]])) || !slices.Equal(res.Missing, keys[2:3]) || calls != 3 {
		t.Fatalf("backup %+v after %d progress calls; want 2 files, keys[2] missing, 3 calls", res, calls)
	}
	copied, err := blob.Open(BackupFilesDir(path))
	if err != nil {
		t.Fatal(err)
	}
	for i, k := range keys {
		got, err := copied.Get(ctx, k)
		if i < 2 && (err != nil || !bytes.Equal(got, contents[k])) {
			t.Errorf("file %d in the backup: %v", i, err)
		}
		if i >= 2 && !chat.IsCode(err, chat.CodeNotFound) {
			t.Errorf("file %d is in the backup: %v", i, err)
		}
	}

	again := filepath.Join(t.TempDir(), "kefu.db")
	if err := os.Mkdir(BackupFilesDir(again), 0o700); err != nil {
		t.Fatal(err)
	}
	if _, err := Backup(ctx, cfg, again, nil); err == nil {
		t.Fatal("a backup over an existing files folder succeeded")
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Errorf("a refused backup left its database copy: %v", err)
	}
}
