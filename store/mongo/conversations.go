package mongo

import (
	"context"
	"fmt"
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
	ActiveKey  string `bson:"active_key"`
	Topic      string `bson:"topic,omitempty"`
	Lang       string `bson:"lang,omitempty"`
	PageURL    string `bson:"page_url,omitempty"`
	Referrer   string `bson:"referrer,omitempty"`
	UserAgent  string `bson:"user_agent,omitempty"`
	Email      string `bson:"email,omitempty"`
	AssigneeID string `bson:"assignee_id"`
	// LastSeq, Last, LastPublic and FirstReplyAt are AppendMessage's
	// bookkeeping; see there.
	LastSeq        int64      `bson:"last_seq"`
	Last           *bodyDoc   `bson:"last,omitempty"`
	LastPublic     *bodyDoc   `bson:"last_public,omitempty"`
	FirstReplyAt   *time.Time `bson:"first_reply_at,omitempty"`
	VisitorReadSeq int64      `bson:"visitor_read_seq"`
	AgentReadSeq   int64      `bson:"agent_read_seq"`
	Rating         int        `bson:"rating,omitempty"`
	RatingComment  string     `bson:"rating_comment,omitempty"`
	CreatedAt      time.Time  `bson:"created_at"`
	UpdatedAt      time.Time  `bson:"updated_at"`
}

func activeKey(site, visitorID, id string, status chat.Status) string {
	if status == chat.StatusResolved {
		return id
	}
	return site + "/" + visitorID
}

func newConversationDoc(c *chat.Conversation) conversationDoc {
	return conversationDoc{
		ID: c.ID, Site: c.Site, VisitorID: c.VisitorID, Kind: c.Kind, Status: c.Status,
		ActiveKey: activeKey(c.Site, c.VisitorID, c.ID, c.Status),
		Topic:     c.Topic, Lang: c.Lang, PageURL: c.PageURL, Referrer: c.Referrer,
		UserAgent: c.UserAgent, Email: c.Email, AssigneeID: c.AssigneeID,
		VisitorReadSeq: c.VisitorReadSeq, AgentReadSeq: c.AgentReadSeq,
		Rating: c.Rating, RatingComment: c.RatingComment,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
	}
}

func (d *conversationDoc) conversation() chat.Conversation {
	c := chat.Conversation{
		ID: d.ID, Site: d.Site, VisitorID: d.VisitorID, Kind: d.Kind, Status: d.Status,
		Topic: d.Topic, Lang: d.Lang, PageURL: d.PageURL, Referrer: d.Referrer,
		UserAgent: d.UserAgent, Email: d.Email, AssigneeID: d.AssigneeID,
		LastSeq:        d.LastSeq,
		VisitorReadSeq: d.VisitorReadSeq, AgentReadSeq: d.AgentReadSeq,
		Rating: d.Rating, RatingComment: d.RatingComment,
		CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
	}
	if d.Last != nil {
		m := d.Last.message(d.Site, d.ID)
		c.Last = &m
	}
	if d.LastPublic != nil {
		m := d.LastPublic.message(d.Site, d.ID)
		c.LastPublic = &m
	}
	if d.FirstReplyAt != nil {
		c.FirstReplyAt = *d.FirstReplyAt
	}
	return c
}

// Conversation returns conversation id of site.
func (s *Store) Conversation(ctx context.Context, site, id string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d conversationDoc
	if err := s.conversations.FindOne(ctx, byID(id)).Decode(&d); err != nil {
		return nil, mapErr(err, "find conversation", "conversation")
	}
	if d.Site != site {
		return nil, chat.NotFound("conversation")
	}
	c := d.conversation()
	return &c, nil
}

// conversationRef is what checkConversation reads of a conversation.
type conversationRef struct {
	Site      string `bson:"site"`
	VisitorID string `bson:"visitor_id"`
}

// checkConversation returns the site and visitor of conversation id, or a
// not-found error unless it exists and belongs to site. Neither ever
// changes, so what it checks stays true.
func (s *Store) checkConversation(ctx context.Context, site, id string) (*conversationRef, error) {
	var d conversationRef
	opts := options.FindOne().SetProjection(bson.D{{Key: "site", Value: 1}, {Key: "visitor_id", Value: 1}})
	if err := s.conversations.FindOne(ctx, byID(id), opts).Decode(&d); err != nil {
		return nil, mapErr(err, "find conversation", "conversation")
	}
	if d.Site != site {
		return nil, chat.NotFound("conversation")
	}
	return &d, nil
}

// CreateConversation stores a new conversation, with the defaults that
// chat.Conversation.PrepareNew fills in.
// A visitor has at most one conversation that is not resolved: a second
// one fails with chat.CodeConflict, across processes, by a unique index.
func (s *Store) CreateConversation(ctx context.Context, c *chat.Conversation) error {
	if err := c.PrepareNew(); err != nil {
		return err
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	// Marked first, so that retention never deletes a visitor whose
	// conversation is being created. A visitor that is not stored (yet)
	// matches nothing, which is fine.
	mark := bson.D{{Key: "$set", Value: bson.D{{Key: "chatted", Value: true}}}}
	if _, err := s.visitors.UpdateOne(ctx, bson.D{{Key: "_id", Value: c.VisitorID}, {Key: "site", Value: c.Site}}, mark); err != nil {
		return mapErr(err, "mark visitor chatted", "visitor")
	}
	if _, err := s.conversations.InsertOne(ctx, newConversationDoc(c)); err != nil {
		return mapErr(err, "insert conversation", "conversation")
	}
	// An offline message's email is the visitor's word, searchable too.
	s.index(ctx, c.Site, c.ID, c.Email)
	s.indexWhoLogged(ctx, c.Site, c.VisitorID, c.ID)
	return nil
}

// ActiveConversation returns the visitor's conversation that is not
// resolved, or a not-found error. It is one lookup on the unique
// active_key index.
func (s *Store) ActiveConversation(ctx context.Context, site, visitorID string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d conversationDoc
	filter := bson.D{{Key: "active_key", Value: activeKey(site, visitorID, "", chat.StatusOpen)}}
	if err := s.conversations.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, mapErr(err, "find active conversation", "conversation")
	}
	if d.Site != site || d.VisitorID != visitorID || d.Status == chat.StatusResolved {
		return nil, chat.NotFound("conversation")
	}
	c := d.conversation()
	return &c, nil
}

// ListConversations returns a page of a site's conversations, most
// recently updated first (ties by id, descending), from an index that
// matches the filter.
func (s *Store) ListConversations(ctx context.Context, f chat.ConversationFilter) ([]chat.Conversation, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = defaultConversationPage
	}
	limit = min(limit, maxConversationPage)

	filter := bson.D{{Key: "site", Value: f.Site}}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if f.VisitorID != "" {
		filter = append(filter, bson.E{Key: "visitor_id", Value: f.VisitorID})
	}
	switch f.AssigneeID {
	case "":
	case chat.Unassigned:
		// Nobody's is "", or missing in a document that never had one.
		filter = append(filter, bson.E{Key: "assignee_id", Value: bson.D{{Key: "$in", Value: bson.A{nil, ""}}}})
	default:
		filter = append(filter, bson.E{Key: "assignee_id", Value: f.AssigneeID})
	}
	filter = append(filter, before("updated_at", f.Before, f.BeforeID)...)
	opts := options.Find().
		SetSort(bson.D{{Key: "updated_at", Value: -1}, {Key: "_id", Value: -1}}).
		SetLimit(int64(limit))

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
		out[i] = docs[i].conversation()
	}
	return out, nil
}

// SetStatus changes the status. Resolving frees the visitor to start a new
// conversation; reopening fails with chat.CodeConflict if the visitor has
// another conversation that is not resolved, by the unique active_key
// index.
func (s *Store) SetStatus(ctx context.Context, site, id string, status chat.Status, at time.Time) error {
	if !status.Valid() {
		return chat.Invalid("unknown status %q", status)
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	d, err := s.checkConversation(ctx, site, id)
	if err != nil {
		return err
	}
	update := bson.D{{Key: "$set", Value: bson.D{
		{Key: "status", Value: status},
		{Key: "active_key", Value: activeKey(site, d.VisitorID, id, status)},
		{Key: "updated_at", Value: at},
	}}}
	// resolved_at is the time of the change to resolved ($min keeps the
	// first of two), and is removed by a change away from it.
	if status == chat.StatusResolved {
		update = append(update, bson.E{Key: "$min", Value: bson.D{{Key: "resolved_at", Value: at}}})
	} else {
		update = append(update, bson.E{Key: "$unset", Value: bson.D{{Key: "resolved_at", Value: ""}}})
	}
	res, err := s.conversations.UpdateOne(ctx, byID(id), update)
	switch {
	case isDuplicate(err):
		err = fmt.Errorf("mongo: update conversation status: %w", err)
		return chat.Wrap(chat.CodeConflict, err, "visitor has another conversation that is not resolved")
	case err != nil:
		return mapErr(err, "update conversation status", "conversation")
	case res.MatchedCount == 0:
		return chat.NotFound("conversation")
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

// before is the filter of a page that lists newest first by field, then
// by _id: only documents whose field is before t, or at t with an _id
// before id. It is empty when t is zero.
func before(field string, t time.Time, id string) bson.D {
	if t.IsZero() {
		return nil
	}
	if id == "" {
		return bson.D{{Key: field, Value: bson.D{{Key: "$lt", Value: t}}}}
	}
	// The $lte bounds the index scan; the $or drops the ties that are not
	// before the cursor.
	return bson.D{
		{Key: field, Value: bson.D{{Key: "$lte", Value: t}}},
		{Key: "$or", Value: bson.A{
			bson.D{{Key: field, Value: bson.D{{Key: "$lt", Value: t}}}},
			bson.D{{Key: "_id", Value: bson.D{{Key: "$lt", Value: id}}}},
		}},
	}
}
