package mongo

import (
	"bytes"
	"context"
	"io"
	"slices"
	"sync"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/mongo/mongotest"
)

// Files in GridFS: one content in one conversation is kept once, however
// many put it at once; it comes back whole, by Get and by Open; the same
// content in another conversation is a file of its own; deleting it is
// final, and twice is no error.
func TestBlobs(t *testing.T) {
	ctx := context.Background()
	b := mustOpen(t, mongotest.URI(t)).Blobs()
	data := bytes.Repeat([]byte("付款截图 "), 100_000) // over one 255 KB chunk
	var wg sync.WaitGroup
	keys := make([]string, 4)
	for i := range keys {
		wg.Go(func() {
			k, err := b.Put(ctx, "conv1", data)
			if err != nil {
				t.Error(err)
			}
			keys[i] = k
		})
	}
	wg.Wait()
	for _, k := range keys {
		if k != blob.Key("conv1", data) {
			t.Fatalf("Put gave %q, want %q", k, blob.Key("conv1", data))
		}
	}
	got, err := b.Get(ctx, keys[0])
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get: %v, %d bytes of %d", err, len(got), len(data))
	}
	r, size, err := b.Open(ctx, keys[0])
	if err != nil || size != int64(len(data)) {
		t.Fatalf("Open: %v, size %d", err, size)
	}
	streamed, _ := io.ReadAll(r)
	r.Close()
	if !bytes.Equal(streamed, data) {
		t.Error("Open streams other bytes")
	}
	other, err := b.Put(ctx, "conv2", data)
	if err != nil || other == keys[0] {
		t.Errorf("another conversation's copy: %q %v", other, err)
	}
	if err := b.Delete(ctx, keys[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Get(ctx, keys[0]); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("Get after Delete: %v, want not found", err)
	}
	if err := b.Delete(ctx, keys[0]); err != nil {
		t.Errorf("deleting twice: %v", err)
	}
	if _, err := b.Get(ctx, other); err != nil {
		t.Errorf("the other conversation's copy after the delete: %v", err)
	}
}

// Sweep deletes an old file that no record names, with its chunks; it
// keeps recent, recorded, and put-again files.
func TestBlobsSweep(t *testing.T) {
	ctx := context.Background()
	s := mustOpen(t, mongotest.URI(t))
	b := s.Blobs().(*Blobs)
	put := func(data []byte) string {
		k, err := b.Put(ctx, "conv1", data)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	big := bytes.Repeat([]byte("旧文件 "), 100_000) // several chunks
	orphan, recorded, recent, again := put(big), put([]byte("recorded")), put([]byte("recent")), put([]byte("again"))
	old := time.Now().Add(-48 * time.Hour)
	for _, k := range []string{orphan, recorded, again} {
		_, err := b.bucket().GetFilesCollection().UpdateOne(ctx, bson.D{{Key: "_id", Value: k}},
			bson.D{{Key: "$set", Value: bson.D{{Key: "uploadDate", Value: old}}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	put([]byte("again")) // made new

	var asked []string
	n, err := b.Sweep(ctx, time.Now().Add(-24*time.Hour), func(_ context.Context, keys []string) ([]string, error) {
		asked = append(asked, keys...)
		return slices.DeleteFunc(slices.Clone(keys), func(k string) bool { return k == recorded }), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{orphan, recorded}
	slices.Sort(want)
	if n != 1 || !slices.Equal(asked, want) {
		t.Errorf("Sweep deleted %d after asking about %v; want 1 after %v", n, asked, want)
	}
	if _, err := b.Get(ctx, orphan); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the orphan is still there: %v", err)
	}
	chunks, err := b.bucket().GetChunksCollection().CountDocuments(ctx, bson.D{{Key: "files_id", Value: orphan}})
	if err != nil || chunks != 0 {
		t.Errorf("the orphan left %d chunks (%v)", chunks, err)
	}
	for _, k := range []string{recorded, recent, again} {
		if _, err := b.Get(ctx, k); err != nil {
			t.Errorf("kept file is gone: %v", err)
		}
	}
}

// The chunks of an upload that died before writing its file document are
// cleared by the next Put of that file, which then keeps it whole.
func TestBlobsReplaceADeadUpload(t *testing.T) {
	ctx := context.Background()
	b := mustOpen(t, mongotest.URI(t)).Blobs().(*Blobs)
	data := bytes.Repeat([]byte("收据 "), 100_000)
	key := blob.Key("conv1", data)
	dead := bson.D{
		{Key: "_id", Value: bson.NewObjectIDFromTimestamp(time.Now().Add(-2 * deadUpload))},
		{Key: "files_id", Value: key}, {Key: "n", Value: 0}, {Key: "data", Value: bson.Binary{Data: []byte("half a file")}},
	}
	if _, err := b.bucket().GetChunksCollection().InsertOne(ctx, dead); err != nil {
		t.Fatal(err)
	}
	if k, err := b.Put(ctx, "conv1", data); err != nil || k != key {
		t.Fatalf("Put over a dead upload: %q, %v", k, err)
	}
	if got, err := b.Get(ctx, key); err != nil || !bytes.Equal(got, data) {
		t.Fatalf("Get: %v, %d bytes of %d", err, len(got), len(data))
	}
}
