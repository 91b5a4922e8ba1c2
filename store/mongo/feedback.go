package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// Bounds of ListFeedback.
const (
	defaultFeedbackPage = 50
	maxFeedbackPage     = 500
)

type feedbackDoc struct {
	ID        string    `bson:"_id"`
	Site      string    `bson:"site"`
	VisitorID string    `bson:"visitor_id,omitempty"`
	Category  string    `bson:"category"`
	Text      string    `bson:"text"`
	Email     string    `bson:"email,omitempty"`
	Lang      string    `bson:"lang,omitempty"`
	PageURL   string    `bson:"page_url,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
}

// CreateFeedback stores a visitor's feedback, giving it an id if it has
// none.
func (s *Store) CreateFeedback(ctx context.Context, f *chat.Feedback) error {
	if f.Site == "" {
		return chat.Invalid("feedback needs a site")
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.feedback.InsertOne(ctx, feedbackDoc(*f))
	return mapErr(err, "insert feedback", "feedback")
}

// ListFeedback returns a page of a site's feedback, newest first (ties by
// id, descending), up to f.Limit (at most 500), before the cursor f.Before
// and f.BeforeID.
func (s *Store) ListFeedback(ctx context.Context, f chat.FeedbackFilter) ([]chat.Feedback, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultFeedbackPage
	}
	limit = min(limit, maxFeedbackPage)
	filter := bson.D{{Key: "site", Value: f.Site}}
	filter = append(filter, before("created_at", f.Before, f.BeforeID)...)
	opts := options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit))

	ctx, cancel := s.op(ctx)
	defer cancel()
	cur, err := s.feedback.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "list feedback", "feedback")
	}
	var docs []feedbackDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list feedback", "feedback")
	}
	out := make([]chat.Feedback, len(docs))
	for i := range docs {
		out[i] = chat.Feedback(docs[i])
	}
	return out, nil
}
