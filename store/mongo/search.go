package mongo

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/terms"
)

// Conversation search finds two kinds of documents, both with the terms
// that package terms makes and a position, the time they were written in
// nanoseconds, so that the newest match comes first:
//   - messages, which carry their terms in the same write that stores
//     them (messageDoc.Terms);
//   - in the search collection, a document per visitor identity a
//     conversation had (and an offline message's email), written after
//     what it indexes: a node that dies in between leaves that name
//     unfound, never a message lost.
type searchDoc struct {
	ID             bson.ObjectID `bson:"_id"`
	Site           string        `bson:"site"`
	ConversationID string        `bson:"conversation_id"`
	Terms          []string      `bson:"terms"`
	Pos            int64         `bson:"pos"`
}

// backfillID marks, in the meta collection, that what a database held
// before search existed has been indexed, or who is indexing it: a claim
// not renewed for backfillLease belongs to a node that died, and the next
// node to open the database takes it over. Setting a message's terms
// again is harmless, so a takeover only costs time.
const (
	backfillID    = "search-backfill"
	backfillLease = 10 * time.Minute
)

// claimBackfill reports whether this node is to run the backfill: nobody
// has, or the node that started it stopped renewing its claim.
func (s *Store) claimBackfill(ctx context.Context) (bool, error) {
	now := time.Now()
	_, err := s.meta.InsertOne(ctx, bson.D{{Key: "_id", Value: backfillID}, {Key: "done", Value: false}, {Key: "at", Value: now}})
	if err == nil {
		return true, nil
	}
	if !isDuplicate(err) {
		return false, mapErr(err, "claim search backfill", "search")
	}
	stale := bson.D{{Key: "_id", Value: backfillID}, {Key: "done", Value: false}, {Key: "at", Value: bson.D{{Key: "$lt", Value: now.Add(-backfillLease)}}}}
	res, err := s.meta.UpdateOne(ctx, stale, bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: now}}}})
	if err != nil {
		return false, mapErr(err, "take over search backfill", "search")
	}
	if res.ModifiedCount == 1 {
		s.logger.Info("mongo: taking over a search backfill that stopped")
	}
	return res.ModifiedCount == 1, nil
}

// renewBackfill keeps this node's claim on the backfill.
func (s *Store) renewBackfill(ctx context.Context) {
	set := bson.D{{Key: "$set", Value: bson.D{{Key: "at", Value: time.Now()}}}}
	if _, err := s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: backfillID}}, set); err != nil {
		s.logger.Warn("mongo: renew the search backfill's claim", "err", err)
	}
}

// index adds a document of a conversation's text; it logs a failure
// rather than failing what was stored already.
func (s *Store) index(ctx context.Context, site, conversationID string, text ...string) {
	ts := terms.Index(strings.Join(text, " "))
	if len(ts) == 0 {
		return
	}
	d := searchDoc{ID: bson.NewObjectID(), Site: site, ConversationID: conversationID, Terms: ts, Pos: time.Now().UnixNano()}
	if _, err := s.search.InsertOne(ctx, d); err != nil {
		s.logger.Warn("mongo: index for search", "conversation", conversationID, "err", err)
	}
}

// indexWho adds a document of a visitor's identity to each of their
// conversations, or only to conversationID if it is set.
func (s *Store) indexWho(ctx context.Context, site, visitorID, conversationID string) error {
	var v visitorDoc
	err := s.visitors.FindOne(ctx, bson.D{{Key: "_id", Value: visitorID}, {Key: "site", Value: site}}).Decode(&v)
	if errors.Is(err, mongo.ErrNoDocuments) || err == nil && v.Name == "" && v.Email == "" && v.UserID == "" {
		return nil
	}
	if err != nil {
		return mapErr(err, "index visitor", "visitor")
	}
	ids := []string{conversationID}
	if conversationID == "" {
		if ids, err = s.conversationIDs(ctx, bson.D{{Key: "site", Value: site}, {Key: "visitor_id", Value: visitorID}}, 0); err != nil {
			return err
		}
	}
	for _, id := range ids {
		s.index(ctx, site, id, v.Name, v.Email, v.UserID)
	}
	return nil
}

// indexWhoLogged is indexWho after a write that has succeeded already:
// like index, it logs a failure rather than report the write as failed.
func (s *Store) indexWhoLogged(ctx context.Context, site, visitorID, conversationID string) {
	if err := s.indexWho(ctx, site, visitorID, conversationID); err != nil {
		s.logger.Warn("mongo: index a visitor for search", "visitor", visitorID, "err", err)
	}
}

// SearchConversations returns a page of the site's conversations that
// match every term, by their newest match.
func (s *Store) SearchConversations(ctx context.Context, f chat.SearchFilter) (chat.SearchPage, error) {
	if f.Site == "" || len(f.Terms) == 0 {
		return chat.SearchPage{}, chat.Invalid("search needs a site and a word")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	match := bson.D{{Key: "site", Value: f.Site}, {Key: "terms", Value: bson.D{{Key: "$all", Value: f.Terms}}}}
	// A window is the newest n matches of both collections, merged.
	window := func(before int64, n int) ([]chat.SearchHit, error) {
		if before <= 0 {
			before = math.MaxInt64
		}
		filter := append(match, bson.E{Key: "pos", Value: bson.D{{Key: "$lt", Value: before}}})
		opts := options.Find().SetSort(bson.D{{Key: "pos", Value: -1}}).SetLimit(int64(n)).
			SetProjection(bson.D{{Key: "conversation_id", Value: 1}, {Key: "pos", Value: 1}})
		var hits []chat.SearchHit
		for _, coll := range []*mongo.Collection{s.messages, s.search} {
			cur, err := coll.Find(ctx, filter, opts)
			if err != nil {
				return nil, mapErr(err, "search conversations", "conversation")
			}
			var docs []struct {
				ConversationID string `bson:"conversation_id"`
				Pos            int64  `bson:"pos"`
			}
			if err := cur.All(ctx, &docs); err != nil {
				return nil, mapErr(err, "search conversations", "conversation")
			}
			for _, d := range docs {
				hits = append(hits, chat.SearchHit{Pos: d.Pos, ConversationID: d.ConversationID})
			}
		}
		slices.SortFunc(hits, func(a, b chat.SearchHit) int { return cmp.Compare(b.Pos, a.Pos) })
		return hits[:min(n, len(hits))], nil
	}
	shownBefore := func(id string) (bool, error) {
		filter := append(match, bson.E{Key: "conversation_id", Value: id}, bson.E{Key: "pos", Value: bson.D{{Key: "$gte", Value: f.Before}}})
		for _, coll := range []*mongo.Collection{s.messages, s.search} {
			err := coll.FindOne(ctx, filter).Err()
			if err == nil {
				return true, nil
			}
			if !errors.Is(err, mongo.ErrNoDocuments) {
				return false, mapErr(err, "search conversations", "conversation")
			}
		}
		return false, nil
	}
	return chat.PageMatches(f, window, shownBefore)
}

// backfillSearch indexes, once per database, the messages and visitors
// stored before search existed. A node that finds the mark missing claims
// it first, so that two nodes do not both do it.
func (s *Store) backfillSearch(ctx context.Context) error {
	if ok, err := s.claimBackfill(ctx); !ok || err != nil {
		return err
	}
	cur, err := s.messages.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "created_at", Value: 1}}))
	if err != nil {
		return mapErr(err, "backfill search", "message")
	}
	defer cur.Close(ctx)
	n := 0
	for cur.Next(ctx) {
		var d messageDoc
		if err := cur.Decode(&d); err != nil {
			return mapErr(err, "backfill search", "message")
		}
		if ts := terms.Index(d.Body.Text); len(ts) > 0 {
			set := bson.D{{Key: "$set", Value: bson.D{{Key: "terms", Value: ts}, {Key: "pos", Value: d.Body.CreatedAt.UnixNano()}}}}
			if _, err := s.messages.UpdateOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, set); err != nil {
				return mapErr(err, "backfill search", "message")
			}
		}
		if n++; n%100000 == 0 {
			s.logger.Info("mongo: indexing messages for search", "done", n)
		}
		if n%10000 == 0 {
			s.renewBackfill(ctx)
		}
	}
	if err := cur.Err(); err != nil {
		return mapErr(err, "backfill search", "message")
	}
	vcur, err := s.conversations.Find(ctx, bson.D{}, options.Find().SetProjection(bson.D{{Key: "site", Value: 1}, {Key: "visitor_id", Value: 1}}))
	if err != nil {
		return mapErr(err, "backfill search", "conversation")
	}
	var convs []conversationDoc
	if err := vcur.All(ctx, &convs); err != nil {
		return mapErr(err, "backfill search", "conversation")
	}
	for i, c := range convs {
		if err := s.indexWho(ctx, c.Site, c.VisitorID, c.ID); err != nil {
			return err
		}
		if i%10000 == 9999 {
			s.renewBackfill(ctx)
		}
	}
	_, err = s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: backfillID}}, bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: true}}}})
	if n > 0 {
		s.logger.Info("mongo: indexed messages for search", "messages", n, "conversations", len(convs))
	}
	return mapErr(err, "mark search backfill", "search")
}
