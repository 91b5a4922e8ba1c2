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
	// Status is missing from feedback stored before statuses existed,
	// which is new.
	Status        chat.FeedbackStatus `bson:"status,omitempty"`
	Note          string              `bson:"note,omitempty"`
	UpdatedBy     string              `bson:"updated_by,omitempty"`
	UpdatedByName string              `bson:"updated_by_name,omitempty"`
	UpdatedAt     time.Time           `bson:"updated_at,omitempty"`
}

func (d *feedbackDoc) feedback() chat.Feedback {
	// A conversion, not field copies: it stops compiling if the domain
	// type gains a field the document lacks.
	f := chat.Feedback(*d)
	if f.Status == "" {
		f.Status = chat.FeedbackNew
	}
	return f
}

// CreateFeedback stores a visitor's feedback, giving it an id if it has
// none, and the status new if it has none.
func (s *Store) CreateFeedback(ctx context.Context, f *chat.Feedback) error {
	if f.Site == "" {
		return chat.Invalid("feedback needs a site")
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	if f.Status == "" {
		f.Status = chat.FeedbackNew
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.feedback.InsertOne(ctx, feedbackDoc(*f))
	return mapErr(err, "insert feedback", "feedback")
}

// Feedback returns feedback id of site.
func (s *Store) Feedback(ctx context.Context, site, id string) (*chat.Feedback, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d feedbackDoc
	err := s.feedback.FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "site", Value: site}}).Decode(&d)
	if err != nil {
		return nil, mapErr(err, "find feedback", "feedback")
	}
	f := d.feedback()
	return &f, nil
}

// ListFeedback returns a page of a site's feedback, newest first (ties by
// id, descending), up to f.Limit (at most 500), before the cursor f.Before
// and f.BeforeID, of f.Status and f.Category if set.
func (s *Store) ListFeedback(ctx context.Context, f chat.FeedbackFilter) ([]chat.Feedback, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultFeedbackPage
	}
	limit = min(limit, maxFeedbackPage)
	filter := bson.D{{Key: "site", Value: f.Site}}
	switch f.Status {
	case "":
	case chat.FeedbackNew: // or stored before statuses existed
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{chat.FeedbackNew, nil}}}})
	default:
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if f.Category != "" {
		filter = append(filter, bson.E{Key: "category", Value: f.Category})
	}
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
		out[i] = docs[i].feedback()
	}
	return out, nil
}

// UpdateFeedback applies u to feedback id of site with one $set and
// returns the document it wrote.
func (s *Store) UpdateFeedback(ctx context.Context, site, id string, u chat.FeedbackUpdate) (*chat.Feedback, error) {
	set := bson.D{
		{Key: "updated_by", Value: u.By},
		{Key: "updated_by_name", Value: u.ByName},
		{Key: "updated_at", Value: u.At},
	}
	if u.Status != "" {
		set = append(set, bson.E{Key: "status", Value: u.Status})
	}
	if u.Note != nil {
		set = append(set, bson.E{Key: "note", Value: *u.Note})
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d feedbackDoc
	err := s.feedback.FindOneAndUpdate(ctx,
		bson.D{{Key: "_id", Value: id}, {Key: "site", Value: site}},
		bson.D{{Key: "$set", Value: set}},
		options.FindOneAndUpdate().SetReturnDocument(options.After),
	).Decode(&d)
	if err != nil {
		return nil, mapErr(err, "update feedback", "feedback")
	}
	f := d.feedback()
	return &f, nil
}
