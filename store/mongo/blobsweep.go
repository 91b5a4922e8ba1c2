package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// sweepPage is how many files Sweep asks about at once.
const sweepPage = 500

// touch makes a kept file new for Sweep, and reports whether there is
// one: a file whose upload died has chunks but no files document.
func (b *Blobs) touch(ctx context.Context, key string) (bool, error) {
	res, err := b.bucket().GetFilesCollection().UpdateOne(ctx, bson.D{{Key: "_id", Value: key}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "uploadDate", Value: time.Now()}}}})
	if err != nil {
		return false, err
	}
	return res.MatchedCount > 0, nil
}

// Sweep deletes the files uploaded (or put again) before t that no
// record names (see chat.BlobStore), a page at a time in key order.
func (b *Blobs) Sweep(ctx context.Context, t time.Time, unrecorded func(ctx context.Context, keys []string) ([]string, error)) (int, error) {
	files := b.bucket().GetFilesCollection()
	old := bson.D{{Key: "$lt", Value: t}}
	deleted := 0
	for after := ""; ; {
		cur, err := files.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}, {Key: "uploadDate", Value: old}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}).SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(sweepPage))
		if err != nil {
			return deleted, mapErr(err, "list old files", "file")
		}
		var docs []struct {
			ID string `bson:"_id"`
		}
		if err := cur.All(ctx, &docs); err != nil {
			return deleted, mapErr(err, "list old files", "file")
		}
		if len(docs) == 0 {
			return deleted, nil
		}
		keys := make([]string, len(docs))
		for i, d := range docs {
			keys[i] = d.ID
		}
		gone, err := unrecorded(ctx, keys)
		if err != nil {
			return deleted, err
		}
		for _, key := range gone {
			// The files document goes only if it is still old, so that a
			// put in the meantime keeps it; its chunks follow.
			res, err := files.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "uploadDate", Value: old}})
			if err != nil {
				return deleted, mapErr(err, "delete a left-over file", "file")
			}
			if res.DeletedCount == 0 {
				continue
			}
			if _, err := b.bucket().GetChunksCollection().DeleteMany(ctx, bson.D{{Key: "files_id", Value: key}}); err != nil {
				return deleted, mapErr(err, "delete a left-over file's chunks", "file")
			}
			deleted++
		}
		if len(docs) < sweepPage {
			return deleted, nil
		}
		after = keys[len(keys)-1]
	}
}
