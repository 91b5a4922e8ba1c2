package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type cannedDoc struct {
	ID            string    `bson:"_id"`
	Site          string    `bson:"site"`
	Shortcut      string    `bson:"shortcut"`
	Lang          string    `bson:"lang"`
	Text          string    `bson:"text"`
	CreatedBy     string    `bson:"created_by"`
	CreatedAt     time.Time `bson:"created_at"`
	UpdatedBy     string    `bson:"updated_by"`
	UpdatedByName string    `bson:"updated_by_name"`
	UpdatedAt     time.Time `bson:"updated_at"`
}

func (d *cannedDoc) canned() chat.Canned {
	return chat.Canned{ID: d.ID, Site: d.Site, Shortcut: d.Shortcut, Lang: d.Lang, Text: d.Text,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), UpdatedBy: d.UpdatedBy, UpdatedByName: d.UpdatedByName, UpdatedAt: d.UpdatedAt.UTC()}
}

// CreateCanned stores a new canned reply, giving it an id if it has none.
// The unique index on site, shortcut and language refuses a taken
// shortcut.
func (s *Store) CreateCanned(ctx context.Context, c *chat.Canned) error {
	if c.Site == "" || c.Shortcut == "" {
		return chat.Invalid("a canned reply needs a site and a shortcut")
	}
	if c.ID == "" {
		c.ID = chat.NewID()
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.Truncate(time.Millisecond), c.UpdatedAt.Truncate(time.Millisecond)
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.canned.InsertOne(ctx, cannedDoc{ID: c.ID, Site: c.Site, Shortcut: c.Shortcut, Lang: c.Lang, Text: c.Text,
		CreatedBy: c.CreatedBy, CreatedAt: c.CreatedAt, UpdatedBy: c.UpdatedBy, UpdatedByName: c.UpdatedByName, UpdatedAt: c.UpdatedAt})
	return mapErr(err, "insert canned reply", "canned reply")
}

// Canned returns one of site's canned replies.
func (s *Store) Canned(ctx context.Context, site, id string) (*chat.Canned, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d cannedDoc
	if err := s.canned.FindOne(ctx, bySiteID(site, id)).Decode(&d); err != nil {
		return nil, mapErr(err, "find canned reply", "canned reply")
	}
	c := d.canned()
	return &c, nil
}

// ListCanned returns up to limit of site's canned replies, by shortcut,
// language and id.
func (s *Store) ListCanned(ctx context.Context, site string, limit int) ([]chat.Canned, error) {
	out := []chat.Canned{}
	if limit <= 0 {
		return out, nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	cur, err := s.canned.Find(ctx, bson.D{{Key: "site", Value: site}}, options.Find().
		SetSort(bson.D{{Key: "shortcut", Value: 1}, {Key: "lang", Value: 1}, {Key: "_id", Value: 1}}).
		SetLimit(int64(limit)))
	if err != nil {
		return nil, mapErr(err, "list canned replies", "canned reply")
	}
	var docs []cannedDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list canned replies", "canned reply")
	}
	for i := range docs {
		out = append(out, docs[i].canned())
	}
	return out, nil
}

// CountCanned returns how many canned replies site has.
func (s *Store) CountCanned(ctx context.Context, site string) (int, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	n, err := s.canned.CountDocuments(ctx, bson.D{{Key: "site", Value: site}})
	if err != nil {
		return 0, mapErr(err, "count canned replies", "canned reply")
	}
	return int(n), nil
}

// UpdateCanned replaces what an edit changes in reply c.ID of c.Site.
func (s *Store) UpdateCanned(ctx context.Context, c *chat.Canned) error {
	c.UpdatedAt = c.UpdatedAt.Truncate(time.Millisecond)
	ctx, cancel := s.op(ctx)
	defer cancel()
	return s.updateScoped(ctx, s.canned, c.Site, c.ID, bson.D{{Key: "$set", Value: bson.D{
		{Key: "shortcut", Value: c.Shortcut}, {Key: "lang", Value: c.Lang}, {Key: "text", Value: c.Text},
		{Key: "updated_by", Value: c.UpdatedBy}, {Key: "updated_by_name", Value: c.UpdatedByName}, {Key: "updated_at", Value: c.UpdatedAt},
	}}}, "canned reply")
}

// DeleteCanned deletes one of site's canned replies.
func (s *Store) DeleteCanned(ctx context.Context, site, id string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.canned.DeleteOne(ctx, bySiteID(site, id))
	if err != nil {
		return mapErr(err, "delete canned reply", "canned reply")
	}
	if res.DeletedCount == 0 {
		return chat.NotFound("canned reply")
	}
	return nil
}
