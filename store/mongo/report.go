package mongo

import (
	"context"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// reportDoc is what a report reads of a conversation.
type reportDoc struct {
	CreatedAt    time.Time   `bson:"created_at"`
	FirstReplyAt *time.Time  `bson:"first_reply_at"`
	ResolvedAt   *time.Time  `bson:"resolved_at"`
	Rating       int         `bson:"rating"`
	Status       chat.Status `bson:"status"`
}

// ReportRows calls fn with each conversation that q selects, oldest
// first, read through the (site, created_at) index, or (site,
// assignee_id, created_at) for one agent. The report's arithmetic is
// done by the caller: FerretDB, which stands in for MongoDB in tests, has
// no date or arithmetic expressions in its aggregation.
func (s *Store) ReportRows(ctx context.Context, q chat.ReportQuery, fn func(chat.ReportRow) error) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	filter := bson.D{{Key: "site", Value: q.Site}}
	if q.AssigneeID != "" {
		filter = append(filter, bson.E{Key: "assignee_id", Value: q.AssigneeID})
	}
	filter = append(filter, bson.E{Key: "created_at", Value: bson.D{{Key: "$gte", Value: q.From}, {Key: "$lt", Value: q.To}}})
	opts := options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}).SetProjection(bson.D{
		{Key: "_id", Value: 0}, {Key: "created_at", Value: 1}, {Key: "first_reply_at", Value: 1},
		{Key: "resolved_at", Value: 1}, {Key: "rating", Value: 1}, {Key: "status", Value: 1},
	})
	cur, err := s.conversations.Find(ctx, filter, opts)
	if err != nil {
		return mapErr(err, "read report", "conversation")
	}
	defer cur.Close(ctx)
	for cur.Next(ctx) {
		var d reportDoc
		if err := cur.Decode(&d); err != nil {
			return mapErr(err, "decode report row", "conversation")
		}
		r := chat.ReportRow{CreatedAt: d.CreatedAt.UTC(), Rating: d.Rating, Resolved: d.Status == chat.StatusResolved}
		if d.FirstReplyAt != nil {
			r.FirstReplyAt = d.FirstReplyAt.UTC()
		}
		if d.ResolvedAt != nil {
			r.ResolvedAt = d.ResolvedAt.UTC()
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return mapErr(cur.Err(), "read report", "conversation")
}

// countFAQSlot adds one to site's count of views or solved of at's slot.
func (s *Store) countFAQSlot(ctx context.Context, site string, solved bool, at time.Time) error {
	slot := at.Truncate(chat.FAQSlot).UTC()
	id := site + "/" + strconv.FormatInt(slot.UnixMilli(), 10)
	views, solvedN := int64(1), int64(0)
	if solved {
		views, solvedN = 0, 1
	}
	update := bson.D{
		{Key: "$inc", Value: bson.D{{Key: "views", Value: views}, {Key: "solved", Value: solvedN}}},
		{Key: "$setOnInsert", Value: bson.D{{Key: "site", Value: site}, {Key: "slot", Value: slot}}},
	}
	_, err := s.db.Collection(collFAQCounts).UpdateOne(ctx, byID(id), update, options.UpdateOne().SetUpsert(true))
	return mapErr(err, "count faq event in its slot", "FAQ entry")
}

// faqCountsDoc is one slot's counts.
type faqCountsDoc struct {
	Views  int64 `bson:"views"`
	Solved int64 `bson:"solved"`
}

// FAQCounts sums site's FAQ events in the slots that start in [from, to).
// The slots are summed here, not by $group: FerretDB's $group with two
// sums returns a wrong answer. A month has at most 2,880 slots.
func (s *Store) FAQCounts(ctx context.Context, site string, from, to time.Time) (chat.FAQCounts, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	filter := bson.D{
		{Key: "site", Value: site},
		{Key: "slot", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lt", Value: to}}},
	}
	opts := options.Find().SetProjection(bson.D{{Key: "_id", Value: 0}, {Key: "views", Value: 1}, {Key: "solved", Value: 1}})
	cur, err := s.db.Collection(collFAQCounts).Find(ctx, filter, opts)
	if err != nil {
		return chat.FAQCounts{}, mapErr(err, "sum faq events", "FAQ entry")
	}
	defer cur.Close(ctx)
	var n chat.FAQCounts
	for cur.Next(ctx) {
		var d faqCountsDoc
		if err := cur.Decode(&d); err != nil {
			return n, mapErr(err, "decode faq slot", "FAQ entry")
		}
		n.Views += d.Views
		n.Solved += d.Solved
	}
	return n, mapErr(cur.Err(), "sum faq events", "FAQ entry")
}
