package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
)

// maxMessagesPage bounds one Messages call.
const maxMessagesPage = 200

// lookupWorkers is how many lookups by _id messagesByID runs at once.
const lookupWorkers = 4

// bodyDoc is a message as a conversation's tail holds it; messageDoc adds
// what the tail knows from its conversation.
type bodyDoc struct {
	Seq       int64     `bson:"seq"`
	ClientID  string    `bson:"client_id"`
	Author    authorDoc `bson:"author"`
	Text      string    `bson:"text"`
	Private   bool      `bson:"private,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
}

type authorDoc struct {
	Type chat.AuthorType `bson:"type"`
	ID   string          `bson:"id,omitempty"`
	Name string          `bson:"name,omitempty"`
}

type messageDoc struct {
	ID             string  `bson:"_id"`
	Site           string  `bson:"site"`
	ConversationID string  `bson:"conversation_id"`
	Body           bodyDoc `bson:",inline"`
}

// messageID is a message's _id: its conversation and its zero-padded seq,
// so that a message is found by _id alone, which FerretDB can do from an
// index, and ids sort in seq order.
func messageID(conversationID string, seq int64) string {
	return fmt.Sprintf("%s:%012d", conversationID, seq)
}

func newBodyDoc(m *chat.Message) bodyDoc {
	return bodyDoc{
		Seq: m.Seq, ClientID: m.ClientID, Author: authorDoc(m.Author),
		Text: m.Text, Private: m.Private, CreatedAt: m.CreatedAt,
	}
}

func (b *bodyDoc) message(site, conversationID string) chat.Message {
	return chat.Message{
		ID: messageID(conversationID, b.Seq), Site: site, ConversationID: conversationID,
		Seq: b.Seq, ClientID: b.ClientID, Author: chat.Author(b.Author),
		Text: b.Text, Private: b.Private, CreatedAt: b.CreatedAt,
	}
}

// AppendMessage stores m, whose Seq, ClientID and CreatedAt the caller has
// set, then records it as its conversation's newest message: it raises
// last_seq and pushes m onto the tail. It sets m.ID, and rounds
// m.CreatedAt to the millisecond that the database keeps.
//
// It fails with chat.CodeConflict, and changes nothing, when the
// conversation already has m.Seq or m.ClientID. If it fails between the two
// writes, the message is stored but the conversation does not show it, and
// the next append of the same seq conflicts: RepairConversation mends that.
// Callers serialize appends to one conversation. In embedded mode the
// store also holds the conversation's lock throughout, because it writes
// the whole tail, and keeps the tail it wrote in memory for the next
// append.
func (s *Store) AppendMessage(ctx context.Context, m *chat.Message) error {
	switch {
	case m.Site == "" || m.ConversationID == "":
		return chat.Invalid("message needs a site and a conversation")
	case m.Seq < 1:
		return chat.Invalid("message seq must be positive")
	case m.ClientID == "":
		return chat.Invalid("message needs a client id")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	defer s.lock(lockKey(s.conversations, m.ConversationID))()
	c, err := s.appendTarget(ctx, m.ConversationID)
	if err != nil {
		return err
	}
	if c.site != m.Site {
		return chat.NotFound("conversation")
	}
	m.ID = messageID(m.ConversationID, m.Seq)
	m.CreatedAt = m.CreatedAt.Truncate(time.Millisecond)
	body := newBodyDoc(m)
	doc := messageDoc{ID: m.ID, Site: m.Site, ConversationID: m.ConversationID, Body: body}
	if _, err := s.messages.InsertOne(ctx, doc); err != nil {
		return mapErr(err, "insert message", "message")
	}

	update := bson.D{{Key: "$max", Value: bson.D{{Key: "last_seq", Value: m.Seq}, {Key: "updated_at", Value: m.CreatedAt}}}}
	if !s.ferret {
		packed, err := packBody(body)
		if err != nil {
			return fmt.Errorf("store: encode message: %w", err)
		}
		update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "tail", Value: bson.D{
			{Key: "$each", Value: bson.A{packed}},
			{Key: "$slice", Value: -chat.TailSize},
		}}}})
		return s.updateConversation(ctx, m.ConversationID, update)
	}
	// FerretDB accepts $slice in $push but ignores it, so the tail is cut
	// here, from the copy that the lock keeps current.
	tail := make(tailDoc, 0, len(c.tail)+1)
	tail = append(append(tail, c.tail...), body)
	tail = tail[max(len(tail)-chat.TailSize, 0):]
	packed, err := tail.pack()
	if err != nil {
		return fmt.Errorf("store: encode tail: %w", err)
	}
	update = append(update, bson.E{Key: "$set", Value: bson.D{{Key: "tail", Value: packed}}})
	if err := s.updateConversation(ctx, m.ConversationID, update); err != nil {
		s.tails.drop(m.ConversationID) // the write may or may not have landed
		return err
	}
	s.tails.put(m.ConversationID, cachedTail{site: c.site, tail: tail})
	return nil
}

// appendTarget returns the site of a conversation and, in embedded mode,
// its tail: from the tail cache, or read by _id.
func (s *Store) appendTarget(ctx context.Context, id string) (cachedTail, error) {
	if c, ok := s.tails.get(id); ok {
		return c, nil
	}
	var d struct {
		Site string  `bson:"site"`
		Tail tailDoc `bson:"tail"`
	}
	proj := bson.D{{Key: "site", Value: 1}}
	if s.ferret {
		proj = append(proj, bson.E{Key: "tail", Value: 1})
	}
	err := s.conversations.FindOne(ctx, byID(id), options.FindOne().SetProjection(proj)).Decode(&d)
	if err != nil {
		return cachedTail{}, mapErr(err, "find conversation", "conversation")
	}
	return cachedTail{site: d.Site, tail: d.Tail}, nil
}

// MessageByClientID finds a message by its sender's id. It is one lookup by
// _id when the message is among the conversation's newest (chat.TailSize),
// which is where a resend finds it. Otherwise it queries the messages
// collection, which embedded mode reads whole: call it after AppendMessage
// reports a conflict, not before every append.
func (s *Store) MessageByClientID(ctx context.Context, site, conversationID, clientID string) (*chat.Message, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	c, err := s.loadConversation(ctx, site, conversationID)
	if err != nil {
		return nil, err
	}
	for i := len(c.Tail) - 1; i >= 0; i-- {
		if c.Tail[i].ClientID == clientID {
			m := c.Tail[i].message(site, conversationID)
			return &m, nil
		}
	}
	var d messageDoc
	filter := bson.D{{Key: "conversation_id", Value: conversationID}, {Key: "client_id", Value: clientID}}
	if err := s.messages.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, mapErr(err, "find message by client id", "message")
	}
	if d.Site != site {
		return nil, chat.NotFound("message")
	}
	m := d.Body.message(d.Site, d.ConversationID)
	return &m, nil
}

// Messages returns up to limit (at most 200) messages with seq > afterSeq,
// in order. The conversation's tail serves a recent range in one lookup;
// older messages come from the messages collection. It never skips a gap:
// a missing message is an error.
func (s *Store) Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]chat.Message, error) {
	if limit <= 0 || limit > maxMessagesPage {
		limit = maxMessagesPage
	}
	afterSeq = max(afterSeq, 0)
	ctx, cancel := s.op(ctx)
	defer cancel()
	c, err := s.loadConversation(ctx, site, conversationID)
	if err != nil {
		return nil, err
	}
	from, to := afterSeq+1, min(c.LastSeq, afterSeq+int64(limit))
	out := make([]chat.Message, 0, max(to-from+1, 0))
	if to < from {
		return out, nil
	}

	var tail []chat.Message
	for i := range c.Tail {
		if b := &c.Tail[i]; b.Seq >= from && b.Seq <= to {
			tail = append(tail, b.message(site, conversationID))
		}
	}
	if firstInTail := to + 1; len(tail) == 0 || tail[0].Seq > from {
		if len(tail) > 0 {
			firstInTail = tail[0].Seq
		}
		older, err := s.messageRange(ctx, site, conversationID, from, firstInTail-1)
		if err != nil {
			return nil, err
		}
		out = append(out, older...)
	}
	out = append(out, tail...)
	for i := range out {
		if want := from + int64(i); out[i].Seq != want {
			return nil, fmt.Errorf("store: conversation %s: message %d is missing", conversationID, want)
		}
	}
	if int64(len(out)) != to-from+1 {
		return nil, fmt.Errorf("store: conversation %s: message %d is missing", conversationID, from+int64(len(out)))
	}
	return out, nil
}

// messageRange reads messages from..to of a conversation from the messages
// collection. FerretDB would read the whole collection for a range query,
// so embedded mode looks each one up by its computed _id instead.
func (s *Store) messageRange(ctx context.Context, site, conversationID string, from, to int64) ([]chat.Message, error) {
	if s.ferret {
		return s.messagesByID(ctx, site, conversationID, from, to)
	}
	out := make([]chat.Message, 0, to-from+1)
	filter := bson.D{
		{Key: "conversation_id", Value: conversationID},
		{Key: "seq", Value: bson.D{{Key: "$gte", Value: from}, {Key: "$lte", Value: to}}},
	}
	opts := options.Find().SetSort(bson.D{{Key: "seq", Value: 1}}).SetLimit(to - from + 1)
	docs, err := s.findMessages(ctx, filter, opts)
	if err != nil {
		return nil, err
	}
	for i := range docs {
		if docs[i].Site != site {
			return nil, chat.NotFound("conversation")
		}
		out = append(out, docs[i].Body.message(site, conversationID))
	}
	return out, nil
}

// messagesByID looks messages from..to up by their computed _ids, a few
// at a time: each lookup is a round trip that mostly waits.
func (s *Store) messagesByID(ctx context.Context, site, conversationID string, from, to int64) ([]chat.Message, error) {
	n := int(to - from + 1)
	msgs := make([]chat.Message, n)
	found := make([]bool, n)
	errs := make([]error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for range min(n, lookupWorkers) {
		wg.Go(func() {
			for i := range next {
				var d messageDoc
				err := s.messages.FindOne(ctx, byID(messageID(conversationID, from+int64(i)))).Decode(&d)
				switch {
				case errors.Is(err, mongo.ErrNoDocuments): // a gap: Messages reports it
				case err != nil:
					errs[i] = mapErr(err, "find message", "message")
				case d.Site != site:
					errs[i] = chat.NotFound("conversation")
				default:
					msgs[i], found[i] = d.Body.message(site, conversationID), true
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	for i := range n {
		if !found[i] {
			return msgs[:i], nil
		}
	}
	return msgs, nil
}

func (s *Store) findMessages(ctx context.Context, filter bson.D, opts *options.FindOptionsBuilder) ([]messageDoc, error) {
	cur, err := s.messages.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "find messages", "message")
	}
	var docs []messageDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find messages", "message")
	}
	return docs, nil
}

// RepairConversation recomputes LastSeq and Tail from the stored messages,
// after a crash between the two writes of AppendMessage. It queries the
// messages collection, which embedded mode reads whole.
func (s *Store) RepairConversation(ctx context.Context, site, id string) (*chat.Conversation, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	defer s.lock(lockKey(s.conversations, id))()
	c, err := s.loadConversation(ctx, site, id)
	if err != nil {
		return nil, err
	}
	opts := options.Find().SetSort(bson.D{{Key: "seq", Value: -1}}).SetLimit(chat.TailSize)
	docs, err := s.findMessages(ctx, bson.D{{Key: "conversation_id", Value: id}}, opts)
	if err != nil {
		return nil, err
	}
	c.LastSeq = 0
	c.Tail = make(tailDoc, len(docs))
	for i := range docs {
		c.Tail[len(docs)-1-i] = docs[i].Body
	}
	if n := len(c.Tail); n > 0 {
		c.LastSeq = c.Tail[n-1].Seq
		if at := c.Tail[n-1].CreatedAt; at.After(c.UpdatedAt) {
			c.UpdatedAt = at
		}
	}
	s.tails.drop(id)
	err = s.updateConversation(ctx, id, bson.D{{Key: "$set", Value: bson.D{
		{Key: "last_seq", Value: c.LastSeq},
		{Key: "tail", Value: c.Tail},
		{Key: "updated_at", Value: c.UpdatedAt},
	}}})
	if err != nil {
		return nil, err
	}
	return c.conversation(), nil
}
