package mongo

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

type visitorDoc struct {
	ID     string `bson:"_id"`
	Site   string `bson:"site"`
	UserID string `bson:"user_id,omitempty"`
	// UserKey carries the unique index on (site, user id). Anonymous
	// visitors get their own id here, so that one plain unique index does
	// it (a missing field would count as a duplicate null). Neither site
	// keys nor ids contain '/', so the two kinds never collide.
	UserKey         string            `bson:"user_key"`
	Verified        bool              `bson:"verified"`
	ProfileVerified bool              `bson:"profile_verified,omitempty"`
	Name            string            `bson:"name,omitempty"`
	Email           string            `bson:"email,omitempty"`
	Attributes      map[string]string `bson:"attributes,omitempty"`
	CreatedAt       time.Time         `bson:"created_at"`
	LastSeenAt      time.Time         `bson:"last_seen_at"`
	// Chatted is set once the visitor has started a conversation, so that
	// retention finds idle visitors without a lookup each. It is never
	// cleared: a visitor with history is kept with it.
	Chatted bool `bson:"chatted,omitempty"`
}

func userKey(site, userID string) string { return site + "/" + userID }

func newVisitorDoc(v *chat.Visitor) visitorDoc {
	key := v.ID
	if v.UserID != "" {
		key = userKey(v.Site, v.UserID)
	}
	return visitorDoc{
		ID: v.ID, Site: v.Site, UserID: v.UserID, UserKey: key, Verified: v.Verified, ProfileVerified: v.ProfileVerified,
		Name: v.Name, Email: v.Email, Attributes: v.Attributes,
		CreatedAt: v.CreatedAt, LastSeenAt: v.LastSeenAt,
	}
}

func (d *visitorDoc) visitor() *chat.Visitor {
	return &chat.Visitor{
		ID: d.ID, Site: d.Site, UserID: d.UserID, Verified: d.Verified, ProfileVerified: d.ProfileVerified,
		Name: d.Name, Email: d.Email, Attributes: d.Attributes,
		CreatedAt: d.CreatedAt, LastSeenAt: d.LastSeenAt,
	}
}

// Visitor returns the visitor id of site.
func (s *Store) Visitor(ctx context.Context, site, id string) (*chat.Visitor, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d visitorDoc
	if err := s.visitors.FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, mapErr(err, "find visitor", "visitor")
	}
	if d.Site != site {
		return nil, chat.NotFound("visitor")
	}
	return d.visitor(), nil
}

// VisitorByUserID finds the visitor that site verified as userID.
func (s *Store) VisitorByUserID(ctx context.Context, site, userID string) (*chat.Visitor, error) {
	if userID == "" {
		return nil, chat.NotFound("visitor")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d visitorDoc
	err := s.visitors.FindOne(ctx, bson.D{{Key: "user_key", Value: userKey(site, userID)}}).Decode(&d)
	if err != nil {
		return nil, mapErr(err, "find visitor by user id", "visitor")
	}
	return d.visitor(), nil
}

// CreateVisitor stores a new visitor, giving it an id if it has none. It
// fails with chat.CodeConflict when the id, or the site's user id, is
// taken.
func (s *Store) CreateVisitor(ctx context.Context, v *chat.Visitor) error {
	if v.Site == "" {
		return chat.Invalid("visitor site is required")
	}
	if v.ID == "" {
		v.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	_, err := s.visitors.InsertOne(ctx, newVisitorDoc(v))
	return mapErr(err, "insert visitor", "visitor")
}

// UpdateVisitor replaces everything of the visitor but its id, site and
// CreatedAt. It fails with chat.CodeConflict when the new user id is taken.
func (s *Store) UpdateVisitor(ctx context.Context, v *chat.Visitor) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var was visitorDoc
	if err := s.visitors.FindOne(ctx, bson.D{{Key: "_id", Value: v.ID}, {Key: "site", Value: v.Site}}).Decode(&was); err != nil {
		return mapErr(err, "update visitor", "visitor")
	}
	d := newVisitorDoc(v)
	err := s.updateScoped(ctx, s.visitors, v.Site, v.ID, bson.D{{Key: "$set", Value: bson.D{
		{Key: "user_id", Value: d.UserID},
		{Key: "user_key", Value: d.UserKey},
		{Key: "verified", Value: d.Verified},
		{Key: "profile_verified", Value: d.ProfileVerified},
		{Key: "name", Value: d.Name},
		{Key: "email", Value: d.Email},
		{Key: "attributes", Value: d.Attributes},
		{Key: "last_seen_at", Value: d.LastSeenAt},
	}}}, "visitor")
	// A new name, email or user id is found from then on; the old ones
	// stay findable too.
	if err != nil || was.Name == d.Name && was.Email == d.Email && was.UserID == d.UserID {
		return err
	}
	s.indexWhoLogged(ctx, v.Site, v.ID, "")
	return nil
}

// Bounds of ListVisitors.
const (
	defaultVisitorPage = 100
	maxVisitorPage     = 1000
)

// ListVisitors returns up to limit (at most 1000) of a site's visitors
// with ids after afterID, in id order, for jobs that walk through them
// all.
func (s *Store) ListVisitors(ctx context.Context, site, afterID string, limit int) ([]chat.Visitor, error) {
	if limit <= 0 {
		limit = defaultVisitorPage
	}
	limit = min(limit, maxVisitorPage)
	ctx, cancel := s.op(ctx)
	defer cancel()
	filter := bson.D{{Key: "site", Value: site}, {Key: "_id", Value: bson.D{{Key: "$gt", Value: afterID}}}}
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit))
	cur, err := s.visitors.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "list visitors", "visitor")
	}
	var docs []visitorDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list visitors", "visitor")
	}
	out := make([]chat.Visitor, len(docs))
	for i := range docs {
		out[i] = *docs[i].visitor()
	}
	return out, nil
}
