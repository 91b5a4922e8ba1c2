package mongo

import (
	"context"
	"slices"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// DeleteExpiredTokens deletes the refresh tokens that expired before t. On
// MongoDB a TTL index deletes them too, some time after they expire.
func (s *Store) DeleteExpiredTokens(ctx context.Context, t time.Time) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.tokens.DeleteMany(ctx, bson.D{{Key: "expires_at", Value: bson.D{{Key: "$lt", Value: t}}}})
	if err != nil {
		return 0, mapErr(err, "delete expired refresh tokens", "refresh token")
	}
	return int(res.DeletedCount), nil
}

// idleVisitors selects anonymous visitors who never started a
// conversation, last seen before t. Both fields are missing on such a
// visitor, and the index (user_id, chatted, last_seen_at) serves the match.
func idleVisitors(t time.Time) bson.D {
	return bson.D{
		{Key: "user_id", Value: nil},
		{Key: "chatted", Value: nil},
		{Key: "last_seen_at", Value: bson.D{{Key: "$lt", Value: t}}},
	}
}

// DeleteIdleVisitors deletes up to limit anonymous visitors last seen
// before t who have no conversation: CreateConversation marks a visitor
// as chatted before the conversation exists, so that needs no lookup per
// visitor. The delete repeats the filter, so that a visitor seen or
// chatting in the meantime stays.
func (s *Store) DeleteIdleVisitors(ctx context.Context, t time.Time, limit int) (int, error) {
	if limit <= 0 {
		return 0, nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	opts := options.Find().
		SetProjection(bson.D{{Key: "_id", Value: 1}}).
		SetSort(bson.D{{Key: "last_seen_at", Value: 1}}).
		SetLimit(int64(limit))
	cur, err := s.visitors.Find(ctx, idleVisitors(t), opts)
	if err != nil {
		return 0, mapErr(err, "find idle visitors", "visitor")
	}
	var found []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &found); err != nil {
		return 0, mapErr(err, "find idle visitors", "visitor")
	}
	if len(found) == 0 {
		return 0, nil
	}
	doomed := make([]string, len(found))
	for i, v := range found {
		doomed[i] = v.ID
	}
	filter := append(bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: doomed}}}}, idleVisitors(t)...)
	res, err := s.visitors.DeleteMany(ctx, filter)
	if err != nil {
		return 0, mapErr(err, "delete idle visitors", "visitor")
	}
	return int(res.DeletedCount), nil
}

// DeleteResolvedConversations deletes up to limit resolved conversations
// last updated before t, with their messages. A conversation goes first,
// under the same filter, so that one reopened in the meantime keeps
// everything; its messages follow. A crash in between leaves messages of
// a conversation that no longer exists, which no call can reach.
func (s *Store) DeleteResolvedConversations(ctx context.Context, t time.Time, limit int) (int, []string, error) {
	if limit <= 0 {
		return 0, nil, nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	old := bson.D{
		{Key: "status", Value: chat.StatusResolved},
		{Key: "updated_at", Value: bson.D{{Key: "$lt", Value: t}}},
	}
	ids, err := s.conversationIDs(ctx, old, int64(limit))
	if err != nil || len(ids) == 0 {
		return 0, nil, err
	}
	in := bson.D{{Key: "$in", Value: ids}}
	res, err := s.conversations.DeleteMany(ctx, append(bson.D{{Key: "_id", Value: in}}, old...))
	if err != nil {
		return 0, nil, mapErr(err, "delete resolved conversations", "conversation")
	}
	kept, err := s.conversationIDs(ctx, bson.D{{Key: "_id", Value: in}}, 0)
	if err != nil {
		return 0, nil, err
	}
	gone := make([]string, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(kept, id) {
			gone = append(gone, id)
		}
	}
	var blobs []string
	if len(gone) > 0 {
		filter := bson.D{{Key: "conversation_id", Value: bson.D{{Key: "$in", Value: gone}}}}
		if _, err := s.messages.DeleteMany(ctx, filter); err != nil {
			return 0, nil, mapErr(err, "delete messages of resolved conversations", "message")
		}
		if _, err := s.search.DeleteMany(ctx, filter); err != nil {
			return 0, nil, mapErr(err, "unindex resolved conversations", "conversation")
		}
		if blobs, err = s.deleteAttachments(ctx, filter); err != nil {
			return 0, nil, err
		}
	}
	return int(res.DeletedCount), blobs, nil
}

// deleteAttachments deletes the attachment records that filter matches
// and returns the keys of their content.
func (s *Store) deleteAttachments(ctx context.Context, filter bson.D) ([]string, error) {
	cur, err := s.attachments.Find(ctx, filter, options.Find().SetProjection(bson.D{{Key: "blob", Value: 1}, {Key: "thumb", Value: 1}}))
	if err != nil {
		return nil, mapErr(err, "find files of resolved conversations", "attachment")
	}
	var docs []attachmentDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find files of resolved conversations", "attachment")
	}
	var keys []string
	for _, d := range docs {
		for _, k := range []string{d.Blob, d.Thumb} {
			if k != "" && !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if _, err := s.attachments.DeleteMany(ctx, filter); err != nil {
		return nil, mapErr(err, "delete files of resolved conversations", "attachment")
	}
	return keys, nil
}

// conversationIDs returns the ids of up to limit (0: any number)
// conversations that match filter.
func (s *Store) conversationIDs(ctx context.Context, filter bson.D, limit int64) ([]string, error) {
	opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(limit)
	}
	cur, err := s.conversations.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "find conversations", "conversation")
	}
	var docs []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find conversations", "conversation")
	}
	ids := make([]string, len(docs))
	for i, d := range docs {
		ids[i] = d.ID
	}
	return ids, nil
}
