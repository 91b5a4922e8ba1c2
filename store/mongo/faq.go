package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type faqDoc struct {
	// Key is site/id: the site is part of the _id, so that two sites'
	// entries never collide and a lookup by key is scoped by site.
	Key          string    `bson:"_id"`
	ID           string    `bson:"id"`
	Site         string    `bson:"site"`
	Lang         string    `bson:"lang"`
	Category     string    `bson:"category"`
	Question     string    `bson:"question"`
	Answer       string    `bson:"answer"`
	Alternatives []string  `bson:"alternatives,omitempty"`
	Published    bool      `bson:"published"`
	Order        int       `bson:"order"`
	Views        int64     `bson:"views"`
	Solved       int64     `bson:"solved"`
	UpdatedAt    time.Time `bson:"updated_at"`
}

func faqKey(site, id string) string { return site + "/" + id }

func (d *faqDoc) faq() chat.FAQ {
	return chat.FAQ{
		ID: d.ID, Site: d.Site, Lang: d.Lang, Category: d.Category,
		Question: d.Question, Answer: d.Answer, Alternatives: d.Alternatives,
		Published: d.Published, Order: d.Order, Views: d.Views, Solved: d.Solved,
		UpdatedAt: d.UpdatedAt,
	}
}

// FAQ returns entry id of site.
func (s *Store) FAQ(ctx context.Context, site, id string) (*chat.FAQ, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d faqDoc
	if err := s.faq.FindOne(ctx, byID(faqKey(site, id))).Decode(&d); err != nil {
		return nil, mapErr(err, "find faq", "FAQ entry")
	}
	f := d.faq()
	return &f, nil
}

// ListFAQ returns up to limit of a site's entries, published or not, of
// language lang ("": all), by Order and then id, starting after the entry
// after (nil: the first). Within a site, _id (site/id) sorts as id does.
func (s *Store) ListFAQ(ctx context.Context, site, lang string, after *chat.FAQ, limit int) ([]chat.FAQ, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	opts := options.Find().
		SetSort(bson.D{{Key: "order", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit))
	filter := bson.D{{Key: "site", Value: site}}
	if lang != "" {
		filter = append(filter, bson.E{Key: "lang", Value: lang})
	}
	if after != nil {
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "order", Value: bson.D{{Key: "$gt", Value: after.Order}}}},
			bson.D{{Key: "order", Value: after.Order}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: faqKey(site, after.ID)}}}},
		}})
	}
	cur, err := s.faq.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "list faq", "FAQ entry")
	}
	var docs []faqDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list faq", "FAQ entry")
	}
	out := make([]chat.FAQ, len(docs))
	for i := range docs {
		out[i] = docs[i].faq()
	}
	return out, nil
}

// saveFAQModel is the upsert that SaveFAQ and SaveFAQs send. It replaces
// the content but keeps the counters, which only CountFAQEvent changes: an
// editor's copy of them is stale by the time it is saved.
func saveFAQModel(f *chat.FAQ) (filter, update bson.D) {
	return byID(faqKey(f.Site, f.ID)), bson.D{
		{Key: "$set", Value: bson.D{
			{Key: "id", Value: f.ID},
			{Key: "site", Value: f.Site},
			{Key: "lang", Value: f.Lang},
			{Key: "category", Value: f.Category},
			{Key: "question", Value: f.Question},
			{Key: "answer", Value: f.Answer},
			{Key: "alternatives", Value: f.Alternatives},
			{Key: "published", Value: f.Published},
			{Key: "order", Value: f.Order},
			{Key: "updated_at", Value: f.UpdatedAt},
		}},
		{Key: "$setOnInsert", Value: bson.D{
			{Key: "views", Value: f.Views},
			{Key: "solved", Value: f.Solved},
		}},
	}
}

// SaveFAQ inserts or replaces an entry, giving it an id if it has none.
// Views and Solved are kept from the stored entry.
func (s *Store) SaveFAQ(ctx context.Context, f *chat.FAQ) error {
	if f.Site == "" {
		return chat.Invalid("FAQ entry needs a site")
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	filter, update := saveFAQModel(f)
	_, err := s.faq.UpdateOne(ctx, filter, update, options.UpdateOne().SetUpsert(true))
	return mapErr(err, "save faq", "FAQ entry")
}

// SaveFAQs inserts or replaces many entries of site, as SaveFAQ does one,
// in one round trip. Entries without an id get one.
func (s *Store) SaveFAQs(ctx context.Context, site string, fs []chat.FAQ) error {
	if site == "" {
		return chat.Invalid("FAQ entries need a site")
	}
	if len(fs) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(fs))
	for i := range fs {
		fs[i].Site = site
		if fs[i].ID == "" {
			fs[i].ID = chat.NewID()
		}
		filter, update := saveFAQModel(&fs[i])
		models[i] = mongo.NewUpdateOneModel().SetFilter(filter).SetUpdate(update).SetUpsert(true)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.faq.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	return mapErr(err, "save faqs", "FAQ entry")
}

// SetFAQOrder sets the order of entries of site, by id, in one bulk
// write that touches no other field and inserts nothing.
func (s *Store) SetFAQOrder(ctx context.Context, site string, order map[string]int) error {
	if len(order) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, 0, len(order))
	for id, ord := range order {
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: faqKey(site, id)}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "order", Value: ord}}}}))
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.faq.BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false))
	return mapErr(err, "order faqs", "FAQ entry")
}

// DeleteFAQ removes entry id of site.
func (s *Store) DeleteFAQ(ctx context.Context, site, id string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.faq.DeleteOne(ctx, byID(faqKey(site, id)))
	if err != nil {
		return mapErr(err, "delete faq", "FAQ entry")
	}
	if res.DeletedCount == 0 {
		return chat.NotFound("FAQ entry")
	}
	return nil
}

// CountFAQEvent adds one to an entry's views, or to its solved count,
// and then to the site's count of at's slot. The two are separate writes:
// a failure between them leaves the entry counted and the slot not.
func (s *Store) CountFAQEvent(ctx context.Context, site, id string, solved bool, at time.Time) error {
	field := "views"
	if solved {
		field = "solved"
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	inc := bson.D{{Key: "$inc", Value: bson.D{{Key: field, Value: int64(1)}}}}
	res, err := s.faq.UpdateOne(ctx, byID(faqKey(site, id)), inc)
	if err != nil {
		return mapErr(err, "count faq event", "FAQ entry")
	}
	if res.MatchedCount == 0 {
		return chat.NotFound("FAQ entry")
	}
	return s.countFAQSlot(ctx, site, solved, at)
}
