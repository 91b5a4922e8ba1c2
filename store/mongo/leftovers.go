package mongo

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"
)

// leftoverPage is how many attachment records one look at messages
// covers.
const leftoverPage = 500

// DeleteUnsentAttachments deletes up to limit attachment records created
// before t that no message carries. It reads old records a page at a
// time in id order, and asks the messages of their conversations (by the
// conversation_id index) which of them they carry. A record sent between
// that look and the delete loses its record; it was a day old and unsent.
func (s *Store) DeleteUnsentAttachments(ctx context.Context, t time.Time, limit int) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	deleted := 0
	for after := ""; deleted < limit; {
		cur, err := s.attachments.Find(ctx,
			bson.D{{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}}, {Key: "created_at", Value: bson.D{{Key: "$lt", Value: t}}}},
			options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}, {Key: "conversation_id", Value: 1}}).
				SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(leftoverPage))
		if err != nil {
			return deleted, mapErr(err, "find old attachments", "attachment")
		}
		var docs []attachmentDoc
		if err := cur.All(ctx, &docs); err != nil {
			return deleted, mapErr(err, "find old attachments", "attachment")
		}
		if len(docs) == 0 {
			return deleted, nil
		}
		ids, convs := make([]string, len(docs)), []string{}
		for i, d := range docs {
			ids[i] = d.ID
			if !slices.Contains(convs, d.ConversationID) {
				convs = append(convs, d.ConversationID)
			}
		}
		sent, err := s.sentAttachments(ctx, convs, ids)
		if err != nil {
			return deleted, err
		}
		var doomed []string
		for _, id := range ids {
			if !slices.Contains(sent, id) && deleted+len(doomed) < limit {
				doomed = append(doomed, id)
			}
		}
		if len(doomed) > 0 {
			dr, err := s.attachments.DeleteMany(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: doomed}}}})
			if err != nil {
				return deleted, mapErr(err, "delete unsent attachments", "attachment")
			}
			deleted += int(dr.DeletedCount)
		}
		if len(docs) < leftoverPage {
			return deleted, nil
		}
		after = ids[len(ids)-1]
	}
	return deleted, nil
}

// sentAttachments returns those of ids that messages of convs carry.
func (s *Store) sentAttachments(ctx context.Context, convs, ids []string) ([]string, error) {
	cur, err := s.messages.Find(ctx, bson.D{
		{Key: "conversation_id", Value: bson.D{{Key: "$in", Value: convs}}},
		{Key: "attachments", Value: bson.D{{Key: "$in", Value: ids}}},
	}, options.Find().SetProjection(bson.D{{Key: "attachments", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "find sent attachments", "message")
	}
	var docs []struct {
		Files []string `bson:"attachments"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find sent attachments", "message")
	}
	var sent []string
	for _, d := range docs {
		sent = append(sent, d.Files...)
	}
	return sent, nil
}

// UnrecordedBlobs returns those of keys that no attachment record names,
// by the indexes on blob and thumb.
func (s *Store) UnrecordedBlobs(ctx context.Context, keys []string) ([]string, error) {
	if len(keys) == 0 {
		return nil, nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	in := bson.D{{Key: "$in", Value: keys}}
	cur, err := s.attachments.Find(ctx, bson.D{{Key: "$or", Value: bson.A{bson.D{{Key: "blob", Value: in}}, bson.D{{Key: "thumb", Value: in}}}}},
		options.Find().SetProjection(bson.D{{Key: "blob", Value: 1}, {Key: "thumb", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "find recorded files", "attachment")
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find recorded files", "attachment")
	}
	named := map[string]bool{}
	for _, d := range docs {
		named[d.Blob], named[d.Thumb] = true, true
	}
	var out []string
	for _, k := range keys {
		if !named[k] {
			out = append(out, k)
		}
	}
	return out, nil
}
