package store

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

// ListFeedback returns a site's newest feedback first, up to limit (at most
// 500).
func (s *Store) ListFeedback(ctx context.Context, site string, limit int) ([]chat.Feedback, error) {
	if limit <= 0 {
		limit = defaultFeedbackPage
	}
	limit = min(limit, maxFeedbackPage)
	ctx, cancel := s.op(ctx)
	defer cancel()
	opts := options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit))
	cur, err := s.feedback.Find(ctx, bson.D{{Key: "site", Value: site}}, opts)
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
