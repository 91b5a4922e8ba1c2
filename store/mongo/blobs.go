package mongo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
)

// blobBucket is the GridFS bucket of attachments' content.
const blobBucket = "files"

// Blobs keeps the content of attachments in GridFS, so that every node
// serves every file. A file's GridFS id is its key (see blob.Key): the
// same file in one conversation is kept once.
type Blobs struct {
	db *mongo.Database
}

// Blobs returns the store's GridFS bucket of attachments.
func (s *Store) Blobs() chat.BlobStore { return &Blobs{db: s.db} }

// bucket returns a GridFS bucket for one operation: the driver's bucket
// keeps a read buffer and a first-write flag that concurrent uploads
// would share (the race detector finds them).
func (b *Blobs) bucket() *mongo.GridFSBucket {
	return b.db.GridFSBucket(options.GridFSBucket().SetName(blobBucket))
}

func (b *Blobs) exists(ctx context.Context, key string) (bool, error) {
	n, err := b.bucket().GetFilesCollection().CountDocuments(ctx, bson.D{{Key: "_id", Value: key}})
	return n > 0, err
}

// Put keeps data under its key within scope, and returns the key. A file
// kept already is not written again, only made new for Sweep. When
// another upload of the same file is under way, Put waits for it to end;
// the chunks of an upload that died before its end (older than
// deadUpload, with no file document) are cleared and written again.
func (b *Blobs) Put(ctx context.Context, scope string, data []byte) (string, error) {
	key := blob.Key(scope, data)
	for try := 0; ; try++ {
		ok, err := b.touch(ctx, key)
		if err != nil {
			return "", mapErr(err, "find a file", "file")
		}
		if ok {
			return key, nil
		}
		err = b.bucket().UploadFromStreamWithID(ctx, key, key, bytes.NewReader(data))
		if err == nil {
			return key, nil
		}
		if !mongo.IsDuplicateKeyError(err) || try == maxPutTries {
			return "", mapErr(err, "store a file", "file")
		}
		// Another upload of the same file holds the chunks: wait for it to
		// write its file document, unless it died long ago.
		dead, err := b.deadChunks(ctx, key)
		if err != nil {
			return "", mapErr(err, "find a file's chunks", "file")
		}
		if dead {
			if err := b.bucket().Delete(ctx, key); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
				return "", mapErr(err, "clear a broken file", "file")
			}
			continue
		}
		select {
		case <-ctx.Done():
			return "", mapErr(ctx.Err(), "store a file", "file")
		case <-time.After(time.Duration(try+1) * 20 * time.Millisecond):
		}
	}
}

// An upload whose first chunk is older than deadUpload and that has no
// file document died; maxPutTries bounds Put's waits for another upload
// of the same file (about 10 s in all).
const (
	deadUpload  = time.Minute
	maxPutTries = 30
)

// deadChunks reports whether the chunks kept under key belong to an
// upload that died: no file document, and a first chunk older than
// deadUpload (a chunk's ObjectID holds the time it was written).
func (b *Blobs) deadChunks(ctx context.Context, key string) (bool, error) {
	if ok, err := b.exists(ctx, key); ok || err != nil {
		return false, err
	}
	var first struct {
		ID bson.ObjectID `bson:"_id"`
	}
	err := b.bucket().GetChunksCollection().FindOne(ctx, bson.D{{Key: "files_id", Value: key}},
		options.FindOne().SetSort(bson.D{{Key: "_id", Value: 1}}).SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&first)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil // gone meanwhile: try again
	}
	if err != nil {
		return false, err
	}
	return time.Since(first.ID.Timestamp()) > deadUpload, nil
}

// Get returns the content kept under key.
func (b *Blobs) Get(ctx context.Context, key string) ([]byte, error) {
	r, _, err := b.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, mapErr(err, "read a file", "file")
	}
	return data, nil
}

// Open returns the content kept under key as a stream, and its size.
func (b *Blobs) Open(ctx context.Context, key string) (io.ReadCloser, int64, error) {
	ds, err := b.bucket().OpenDownloadStream(ctx, key)
	if errors.Is(err, mongo.ErrFileNotFound) {
		return nil, 0, chat.NotFound("file")
	}
	if err != nil {
		return nil, 0, mapErr(err, "open a file", "file")
	}
	return ds, ds.GetFile().Length, nil
}

// Delete removes the content kept under key; removing what is not there
// is not an error.
func (b *Blobs) Delete(ctx context.Context, key string) error {
	if err := b.bucket().Delete(ctx, key); err != nil && !errors.Is(err, mongo.ErrFileNotFound) {
		return mapErr(err, "delete a file", "file")
	}
	return nil
}
