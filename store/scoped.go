package store

import (
	"context"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// checkSite returns a not-found error unless the document id of coll
// exists and belongs to site.
func (s *Store) checkSite(ctx context.Context, coll *mongo.Collection, site, id, what string) error {
	var d struct {
		Site string `bson:"site"`
	}
	opts := options.FindOne().SetProjection(bson.D{{Key: "site", Value: 1}})
	if err := coll.FindOne(ctx, byID(id), opts).Decode(&d); err != nil {
		return mapErr(err, "find "+what, what)
	}
	if d.Site != site {
		return chat.NotFound(what)
	}
	return nil
}

// updateScoped applies update to the document id of coll if it belongs to
// site, holding the document's lock in embedded mode. A real MongoDB checks both in one filter. FerretDB would read the
// whole collection for a filter with two fields, so in embedded mode the
// site is checked by a lookup first: a document never changes site, so the
// two steps cannot race.
func (s *Store) updateScoped(ctx context.Context, coll *mongo.Collection, site, id string, update bson.D, what string) error {
	filter := bson.D{{Key: "_id", Value: id}, {Key: "site", Value: site}}
	if s.ferret {
		if err := s.checkSite(ctx, coll, site, id, what); err != nil {
			return err
		}
		filter = byID(id)
	}
	defer s.lock(lockKey(coll, id))()
	res, err := coll.UpdateOne(ctx, filter, update)
	if err != nil {
		return mapErr(err, "update "+what, what)
	}
	if res.MatchedCount == 0 {
		return chat.NotFound(what)
	}
	return nil
}

// lockKey names a document for Store.lock.
func lockKey(coll *mongo.Collection, id string) string { return coll.Name() + "/" + id }
