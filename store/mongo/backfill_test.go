package mongo

import (
	"context"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/mongo/mongotest"
	"github.com/kefu/kefu/terms"
)

// A search backfill whose node stopped renewing its claim is taken over
// by the next node that opens the database; one still renewed is left to
// its node.
func TestSearchBackfillTakeover(t *testing.T) {
	ctx := context.Background()
	uri := mongotest.URI(t)
	s := mustOpen(t, uri)
	c := &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "c1", Author: chat.Author{Type: chat.AuthorVisitor, ID: "v1"}, Text: "我的充值还没到账", CreatedAt: time.Now()}
	if _, err := s.AppendMessage(ctx, m); err != nil {
		t.Fatal(err)
	}
	// As before search, with a backfill claimed at claimedAt and not done.
	unindexed := func(claimedAt time.Time) {
		t.Helper()
		if _, err := s.messages.UpdateMany(ctx, bson.D{}, bson.D{{Key: "$unset", Value: bson.D{{Key: "terms", Value: ""}, {Key: "pos", Value: ""}}}}); err != nil {
			t.Fatal(err)
		}
		claim := bson.D{{Key: "$set", Value: bson.D{{Key: "done", Value: false}, {Key: "at", Value: claimedAt}}}}
		if _, err := s.meta.UpdateOne(ctx, bson.D{{Key: "_id", Value: backfillID}}, claim); err != nil {
			t.Fatal(err)
		}
	}
	found := func(st *Store) bool {
		t.Helper()
		p, err := st.SearchConversations(ctx, chat.SearchFilter{Site: "acme", Terms: terms.Query("充值"), Limit: 10})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.IDs) == 1 && p.IDs[0] == c.ID
	}

	unindexed(time.Now())
	if found(mustOpen(t, uri)) {
		t.Error("a node took over a backfill whose claim is fresh")
	}
	unindexed(time.Now().Add(-2 * backfillLease))
	if !found(mustOpen(t, uri)) {
		t.Error("a backfill whose node stopped was not taken over")
	}
	var mark struct {
		Done bool `bson:"done"`
	}
	if err := s.meta.FindOne(ctx, bson.D{{Key: "_id", Value: backfillID}}).Decode(&mark); err != nil || !mark.Done {
		t.Errorf("the backfill's mark: %+v, %v; want done", mark, err)
	}
}
