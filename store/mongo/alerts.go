package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// ClaimUnanswered marks and returns up to limit open conversations
// created from since to before `before` with no agent reply and no alert yet. Each is
// claimed by a conditional update, so that of all the nodes asking, one
// claims a conversation.
func (s *Store) ClaimUnanswered(ctx context.Context, since, before, at time.Time, limit int) ([]chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	waiting := bson.D{
		{Key: "status", Value: chat.StatusOpen},
		{Key: "first_reply_at", Value: nil},
		{Key: "alerted_at", Value: nil},
	}
	filter := append(waiting, bson.E{Key: "created_at", Value: bson.D{{Key: "$gte", Value: since}, {Key: "$lt", Value: before}}})
	cur, err := s.conversations.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, mapErr(err, "find unanswered conversations", "conversation")
	}
	var docs []conversationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find unanswered conversations", "conversation")
	}
	var out []chat.Conversation
	for _, d := range docs {
		res, err := s.conversations.UpdateOne(ctx, append(bson.D{{Key: "_id", Value: d.ID}}, waiting...),
			bson.D{{Key: "$set", Value: bson.D{{Key: "alerted_at", Value: at}}}})
		if err != nil {
			return out, mapErr(err, "claim unanswered conversation", "conversation")
		}
		if res.ModifiedCount == 1 {
			out = append(out, d.conversation())
		}
	}
	return out, nil
}
