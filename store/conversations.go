package store

import (
	"context"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// Bounds of ListConversations.
const (
	defaultConversationPage = 50
	maxConversationPage     = 200
)

type conversationDoc struct {
	ID        string      `bson:"_id"`
	Site      string      `bson:"site"`
	VisitorID string      `bson:"visitor_id"`
	Kind      chat.Kind   `bson:"kind"`
	Status    chat.Status `bson:"status"`
	// ActiveKey carries the unique index that allows one unresolved
	// conversation per visitor: site/visitor while unresolved, the
	// conversation's own id (which has no '/') once resolved.
	ActiveKey      string    `bson:"active_key"`
	Topic          string    `bson:"topic,omitempty"`
	Lang           string    `bson:"lang,omitempty"`
	PageURL        string    `bson:"page_url,omitempty"`
	Referrer       string    `bson:"referrer,omitempty"`
	UserAgent      string    `bson:"user_agent,omitempty"`
	Email          string    `bson:"email,omitempty"`
	AssigneeID     string    `bson:"assignee_id,omitempty"`
	LastSeq        int64     `bson:"last_seq"`
	Tail           tailDoc   `bson:"tail"`
	VisitorReadSeq int64     `bson:"visitor_read_seq"`
	AgentReadSeq   int64     `bson:"agent_read_seq"`
	Rating         int       `bson:"rating,omitempty"`
	RatingComment  string    `bson:"rating_comment,omitempty"`
	CreatedAt      time.Time `bson:"created_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

func activeKey(site, visitorID, id string, status chat.Status) string {
	if status == chat.StatusResolved {
		return id
	}
	return site + "/" + visitorID
}

func newConversationDoc(c *chat.Conversation) conversationDoc {
	tail := make(tailDoc, 0, len(c.Tail))
	for i := range c.Tail {
		tail = append(tail, newBodyDoc(&c.Tail[i]))
	}
	return conversationDoc{
		ID: c.ID, Site: c.Site, VisitorID: c.VisitorID, Kind: c.Kind, Status: c.Status,
		ActiveKey: activeKey(c.Site, c.VisitorID, c.ID, c.Status),
		Topic:     c.Topic, Lang: c.Lang, PageURL: c.PageURL, Referrer: c.Referrer,
		UserAgent: c.UserAgent, Email: c.Email, AssigneeID: c.AssigneeID,
		LastSeq: c.LastSeq, Tail: tail,
		VisitorReadSeq: c.VisitorReadSeq, AgentReadSeq: c.AgentReadSeq,
		Rating: c.Rating, RatingComment: c.RatingComment,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func (d *conversationDoc) conversation() *chat.Conversation {
	c := &chat.Conversation{
		ID: d.ID, Site: d.Site, VisitorID: d.VisitorID, Kind: d.Kind, Status: d.Status,
		Topic: d.Topic, Lang: d.Lang, PageURL: d.PageURL, Referrer: d.Referrer,
		UserAgent: d.UserAgent, Email: d.Email, AssigneeID: d.AssigneeID,
		LastSeq:        d.LastSeq,
		VisitorReadSeq: d.VisitorReadSeq, AgentReadSeq: d.AgentReadSeq,
		Rating: d.Rating, RatingComment: d.RatingComment,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	if len(d.Tail) > 0 {
		c.Tail = make([]chat.Message, len(d.Tail))
		for i := range d.Tail {
			c.Tail[i] = d.Tail[i].message(d.Site, d.ID)
		}
	}
	return c
}

// loadConversation reads the whole conversation by _id and checks its site.
func (s *Store) loadConversation(ctx context.Context, site, id string) (*conversationDoc, error) {
	var d conversationDoc
	if err := s.conversations.FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, mapErr(err, "find conversation", "conversation")
	}
	if d.Site != site {
		return nil, chat.NotFound("conversation")
	}
	return &d, nil
}

// updateConversation applies update to conversation id, whose site the
// caller has checked. In embedded mode the caller holds the conversation's
// lock: FerretDB writes back the whole document, so two concurrent updates
// of one conversation (an append and a read receipt) would lose one.
func (s *Store) updateConversation(ctx context.Context, id string, update bson.D) error {
	res, err := s.conversations.UpdateOne(ctx, byID(id), update)
	if err != nil {
		return mapErr(err, "update conversation", "conversation")
	}
	if res.MatchedCount == 0 {
		return chat.NotFound("conversation")
	}
	return nil
}

// Conversation returns conversation id of site, with its tail of newest
// messages. It is one lookup by _id.
func (s *Store) Conversation(ctx context.Context, site, id string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	d, err := s.loadConversation(ctx, site, id)
	if err != nil {
		return nil, err
	}
	return d.conversation(), nil
}

// CreateConversation stores a new conversation, giving it an id if it has
// none and status open if it has no status. A visitor has at most one
// conversation that is not resolved: a second one fails with
// chat.CodeConflict, across processes, by a unique index.
func (s *Store) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	if c.Site == "" || c.VisitorID == "" {
		return chat.Invalid("conversation needs a site and a visitor")
	}
	if c.Status == "" {
		c.Status = chat.StatusOpen
	}
	if !c.Status.Valid() {
		return chat.Invalid("unknown status %q", c.Status)
	}
	if c.Kind == "" {
		c.Kind = chat.KindChat
	}
	if c.ID == "" {
		c.ID = chat.NewID()
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	d := newConversationDoc(c)
	if _, err := s.conversations.InsertOne(ctx, d); err != nil {
		err = mapErr(err, "insert conversation", "conversation")
		if chat.IsCode(err, chat.CodeConflict) && c.Status != chat.StatusResolved {
			if rerr := s.repairActive(ctx, c.Site, c.VisitorID); rerr != nil {
				s.logger.Warn("repair active conversation pointer", "visitor", c.VisitorID, "err", rerr)
			}
		}
		return err
	}
	s.tails.put(c.ID, cachedTail{site: d.Site, tail: d.Tail})
	if c.Status != chat.StatusResolved {
		return s.pointActive(ctx, c.Site, c.VisitorID, c.ID)
	}
	return nil
}

// ListConversations returns a page of a site's conversations, most
// recently updated first. To keep pages light, each conversation's Tail
// holds only its newest message. In embedded mode it reads the whole
// conversations collection.
func (s *Store) ListConversations(ctx context.Context, f chat.ConversationFilter) ([]chat.Conversation, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultConversationPage
	}
	limit = min(limit, maxConversationPage)
	if s.ferret && f.VisitorID != "" {
		ctx, cancel := s.op(ctx)
		defer cancel()
		return s.visitorConversations(ctx, f, limit)
	}
	filter := bson.D{{Key: "site", Value: f.Site}}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if f.VisitorID != "" {
		filter = append(filter, bson.E{Key: "visitor_id", Value: f.VisitorID})
	}
	if !f.Before.IsZero() {
		before := bson.D{{Key: "updated_at", Value: bson.D{{Key: "$lt", Value: f.Before}}}}
		if f.BeforeID != "" {
			filter = append(filter, bson.E{Key: "$or", Value: bson.A{
				before,
				bson.D{{Key: "updated_at", Value: f.Before}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: f.BeforeID}}}},
			}})
		} else {
			filter = append(filter, before...)
		}
	}
	opts := options.Find().
		SetSort(bson.D{{Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit))
	if !s.ferret { // FerretDB has no $slice projection; trimmed below
		opts.SetProjection(bson.D{{Key: "tail", Value: bson.D{{Key: "$slice", Value: -1}}}})
	}

	ctx, cancel := s.op(ctx)
	defer cancel()
	cur, err := s.conversations.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "list conversations", "conversation")
	}
	var docs []conversationDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "list conversations", "conversation")
	}
	out := make([]chat.Conversation, len(docs))
	for i := range docs {
		if n := len(docs[i].Tail); n > 1 {
			docs[i].Tail = docs[i].Tail[n-1:]
		}
		out[i] = *docs[i].conversation()
	}
	return out, nil
}

// SetStatus changes the status. Resolving frees the visitor to start a new
// conversation; reopening fails with chat.CodeConflict if the visitor has
// started one since.
func (s *Store) SetStatus(ctx context.Context, site, id string, status chat.Status, at time.Time) error {
	if !status.Valid() {
		return chat.Invalid("unknown status %q", status)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d struct {
		Site      string `bson:"site"`
		VisitorID string `bson:"visitor_id"`
	}
	opts := options.FindOne().SetProjection(bson.D{{Key: "site", Value: 1}, {Key: "visitor_id", Value: 1}})
	if err := s.conversations.FindOne(ctx, byID(id), opts).Decode(&d); err != nil {
		return mapErr(err, "find conversation", "conversation")
	}
	if d.Site != site {
		return chat.NotFound("conversation")
	}
	defer s.lock(lockKey(s.conversations, id))()
	if err := s.updateConversation(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: status},
		{Key: "active_key", Value: activeKey(site, d.VisitorID, id, status)},
		{Key: "updated_at", Value: at},
	}}}); err != nil {
		return err
	}
	if status != chat.StatusResolved {
		return s.pointActive(ctx, site, d.VisitorID, id)
	}
	return nil
}

// SetAssignee assigns the conversation to agentID, or to nobody if it is
// empty.
func (s *Store) SetAssignee(ctx context.Context, site, id, agentID string, at time.Time) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	return s.updateScoped(ctx, s.conversations, site, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "assignee_id", Value: agentID},
		{Key: "updated_at", Value: at},
	}}}, "conversation")
}

// SetReadSeq records that the visitor or the agents have read up to seq.
// It never moves backwards.
func (s *Store) SetReadSeq(ctx context.Context, site, id string, who chat.AuthorType, seq int64) error {
	var field string
	switch who {
	case chat.AuthorVisitor:
		field = "visitor_read_seq"
	case chat.AuthorAgent:
		field = "agent_read_seq"
	default:
		return chat.Invalid("unknown reader %q", who)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	return s.updateScoped(ctx, s.conversations, site, id, bson.D{{Key: "$max", Value: bson.D{{Key: field, Value: seq}}}}, "conversation")
}

// SetRating records the visitor's rating of the conversation.
func (s *Store) SetRating(ctx context.Context, site, id string, rating int, comment string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	return s.updateScoped(ctx, s.conversations, site, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "rating", Value: rating},
		{Key: "rating_comment", Value: comment},
	}}}, "conversation")
}
