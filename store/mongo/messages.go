package mongo

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/terms"
)

// maxMessagesPage bounds one Messages or MessagesBefore call, and is the
// page when the caller asks for none.
const maxMessagesPage = 200

// maxAppendAttempts bounds how many seqs one AppendMessage tries before it
// gives up on a conversation that other appenders keep winning.
const maxAppendAttempts = 100

// An appender that lost a seq waits a random time before it tries the
// next: up to as long as its failed attempt took (at least
// minBackoffBase), doubled for each further loss up to backoffDoublings
// times. Scaling by the attempt's own time keeps the spread right for a
// fast database and for a slow, loaded one alike.
const (
	minBackoffBase   = time.Millisecond
	backoffDoublings = 6
)

// durablePoll is how often AppendMessage checks whether a duplicate it
// found, written by a concurrent call, is majority-committed yet.
const durablePoll = 5 * time.Millisecond

// bodyDoc is a message as a conversation's last and last_public hold it;
// messageDoc adds what those know from their conversation.
type bodyDoc struct {
	Seq       int64     `bson:"seq"`
	ClientID  string    `bson:"client_id"`
	Author    authorDoc `bson:"author"`
	Text      string    `bson:"text"`
	Private   bool      `bson:"private,omitempty"`
	CreatedAt time.Time `bson:"created_at"`
	Files     []string  `bson:"attachments,omitempty"`
	// Event is kept on messages only: an activity is never a
	// conversation's last or last_public.
	Event *activityDoc `bson:"event,omitempty"`
}

type authorDoc struct {
	Type chat.AuthorType `bson:"type"`
	ID   string          `bson:"id,omitempty"`
	Name string          `bson:"name,omitempty"`
}

// activityDoc is a chat.Activity as a message keeps it.
type activityDoc struct {
	Kind   chat.ActivityKind `bson:"kind"`
	Status chat.Status       `bson:"status,omitempty"`
	To     *authorDoc        `bson:"to,omitempty"`
	By     authorDoc         `bson:"by"`
}

func newActivityDoc(a *chat.Activity) *activityDoc {
	if a == nil {
		return nil
	}
	return &activityDoc{Kind: a.Kind, Status: a.Status, To: (*authorDoc)(a.To), By: authorDoc(a.By)}
}

func (d *activityDoc) activity() *chat.Activity {
	if d == nil {
		return nil
	}
	return &chat.Activity{Kind: d.Kind, Status: d.Status, To: (*chat.Author)(d.To), By: chat.Author(d.By)}
}

// messageDoc is a document of the messages collection. Its _id is
// chat.MessageID(conversation, seq).
type messageDoc struct {
	ID             string  `bson:"_id"`
	Site           string  `bson:"site"`
	ConversationID string  `bson:"conversation_id"`
	Body           bodyDoc `bson:",inline"`
	// Terms and Pos make the message findable by search (see search.go),
	// in the same write that stores it.
	Terms []string `bson:"terms,omitempty"`
	Pos   int64    `bson:"pos,omitempty"`
}

func newBodyDoc(m *chat.Message) bodyDoc {
	return bodyDoc{
		Seq: m.Seq, ClientID: m.ClientID, Author: authorDoc(m.Author),
		Text: m.Text, Private: m.Private, CreatedAt: m.CreatedAt, Files: m.Attachments,
		Event: newActivityDoc(m.Event),
	}
}

func (b *bodyDoc) message(site, conversationID string) chat.Message {
	return chat.Message{
		ID: chat.MessageID(conversationID, b.Seq), Site: site, ConversationID: conversationID,
		Seq: b.Seq, ClientID: b.ClientID, Author: chat.Author(b.Author),
		Text: b.Text, Private: b.Private, CreatedAt: b.CreatedAt, Attachments: b.Files,
		Event: b.Event.activity(),
	}
}

func (d *messageDoc) message() chat.Message { return d.Body.message(d.Site, d.ConversationID) }

// appendTarget is what AppendMessage reads of a conversation.
type appendTarget struct {
	Site         string     `bson:"site"`
	LastSeq      int64      `bson:"last_seq"`
	FirstReplyAt *time.Time `bson:"first_reply_at"`
}

// AppendMessage stores m as the next message of its conversation: it sets
// m.Seq and m.ID, and rounds m.CreatedAt to the millisecond (UTC) that the
// database keeps. When the conversation already has a message with
// m.ClientID, it stores nothing, replaces *m with that message and
// reports duplicate.
//
// Appends race: several goroutines, processes and nodes append to
// one conversation at once, and none of them holds a lock. The insert of
// the message is the commit point, and two unique indexes guard it,
// (conversation_id, seq) and (conversation_id, client_id), so no
// transaction is needed (and it runs on FerretDB, which has none):
//
//  1. Read the conversation: it checks the site, and its last_seq is a
//     hint of the next seq.
//  2. Insert the message at hint+1. Success means it is stored, with
//     majority write concern, and acknowledged.
//  3. On a duplicate key, look the seq up. If it holds no message, the
//     client id is taken: the message is a resend, and the stored one is
//     the answer (once a majority read sees it). If it holds another
//     message, another appender won the seq: try again one past the
//     conversation's last_seq, or one past the highest stored seq if the
//     conversation lags behind that, after a short random backoff, at
//     most maxAppendAttempts times and within ctx.
//
// No seq is given twice (the index), and none is skipped: a seq is tried
// only when the one before it is stored, and messages are deleted only
// with their conversation.
//
// After the insert, the conversation is advanced by one conditional
// update, {_id, last_seq < seq}: it sets last_seq, updated_at, last
// (unless m is an activity) and last_public (unless m is private), and for an agent's public
// message lowers first_reply_at to m's time ($min, so the earliest
// wins). An update of one document is atomic on MongoDB, so last_seq never
// moves backwards and last is the newest message. If a later message
// advanced it first, last, last_public and first_reply_at are still
// brought up to m by more conditional updates. All of them are idempotent and a
// resend runs them again; so if a process dies between the insert and the
// update, the next append (whose insert at the stale hint collides) or
// the resend heals the conversation.
//
// Readers never take last_seq as a bound of the messages: Messages and
// MessagesBefore read the messages collection, so every acknowledged
// message is readable whatever the conversation says. (On FerretDB, whose
// updates read, modify and write back without isolation, a racing update
// can even move last_seq backwards; the next append heals that the same
// way.)
func (s *Store) AppendMessage(ctx context.Context, m *chat.Message) (duplicate bool, err error) {
	switch {
	case m.Site == "" || m.ConversationID == "":
		return false, chat.Invalid("message needs a site and a conversation")
	case m.ClientID == "":
		return false, chat.Invalid("message needs a client id")
	}
	m.CreatedAt = m.CreatedAt.UTC().Truncate(time.Millisecond)
	ctx, cancel := s.op(ctx)
	defer cancel()

	var c appendTarget
	opts := options.FindOne().SetProjection(bson.D{
		{Key: "site", Value: 1}, {Key: "last_seq", Value: 1}, {Key: "first_reply_at", Value: 1},
	})
	if err := s.latestConversations.FindOne(ctx, byID(m.ConversationID), opts).Decode(&c); err != nil {
		return false, mapErr(err, "find conversation", "conversation")
	}
	if c.Site != m.Site {
		return false, chat.NotFound("conversation")
	}

	// What search finds the message by, made once for every attempt.
	words := terms.Index(m.Text)
	next := c.LastSeq + 1
	for attempt := 1; ; attempt++ {
		start := time.Now()
		msg := *m
		msg.Seq, msg.ID = next, chat.MessageID(m.ConversationID, next)
		doc := messageDoc{ID: msg.ID, Site: msg.Site, ConversationID: msg.ConversationID, Body: newBodyDoc(&msg)}
		if doc.Terms = words; len(words) > 0 {
			doc.Pos = time.Now().UnixNano()
		}
		_, err := s.messages.InsertOne(ctx, doc)
		if err == nil {
			*m = msg
			s.advance(ctx, &c, m)
			return false, nil
		}
		if !isDuplicate(err) {
			return false, mapErr(err, "insert message", "message")
		}

		old, seq, err := s.afterCollision(ctx, m, next)
		if err != nil {
			return false, err
		}
		if old != nil {
			*m = *old
			s.advance(ctx, &c, m)
			return true, nil
		}
		if attempt == maxAppendAttempts {
			return false, chat.Errorf(chat.CodeUnavailable, "conversation is too busy, retry")
		}
		next = seq
		if err := backoff(ctx, attempt, time.Since(start)); err != nil {
			return false, mapErr(err, "append message", "message")
		}
	}
}

// backoff waits a random time that grows with attempt and with how long
// the failed attempt took, so that appenders who lost a seq to each other
// spread out instead of colliding again.
func backoff(ctx context.Context, attempt int, took time.Duration) error {
	d := rand.N(max(took, minBackoffBase) << min(attempt-1, backoffDoublings))
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(d):
		return nil
	}
}

// afterCollision finds out which unique index refused m at seq. If m's
// client id is taken, it returns the stored message. If seq is taken, it
// returns the seq to try next: one past the conversation's last_seq, or,
// while the conversation lags behind its messages (another appender has
// not recorded its message yet, or died before it did), one past the
// highest stored seq.
func (s *Store) afterCollision(ctx context.Context, m *chat.Message, seq int64) (*chat.Message, int64, error) {
	var taken messageDoc
	err := s.latestMessages.FindOne(ctx, byID(chat.MessageID(m.ConversationID, seq))).Decode(&taken)
	switch {
	case errors.Is(err, mongo.ErrNoDocuments):
		// The seq is free, so the client id is taken.
		filter := bson.D{{Key: "conversation_id", Value: m.ConversationID}, {Key: "client_id", Value: m.ClientID}}
		err := s.latestMessages.FindOne(ctx, filter).Decode(&taken)
		if errors.Is(err, mongo.ErrNoDocuments) {
			return nil, seq, nil // messages are never deleted; try again
		}
		if err != nil {
			return nil, 0, mapErr(err, "find message by client id", "message")
		}
		old, err := s.committed(ctx, &taken)
		return old, 0, err
	case err != nil:
		return nil, 0, mapErr(err, "find message", "message")
	case taken.Body.ClientID == m.ClientID:
		old, err := s.committed(ctx, &taken)
		return old, 0, err
	}

	var c struct {
		LastSeq int64 `bson:"last_seq"`
	}
	opts := options.FindOne().SetProjection(bson.D{{Key: "last_seq", Value: 1}})
	if err := s.latestConversations.FindOne(ctx, byID(m.ConversationID), opts).Decode(&c); err != nil {
		return nil, 0, mapErr(err, "find conversation", "conversation")
	}
	if c.LastSeq >= seq {
		return nil, c.LastSeq + 1, nil
	}
	last, err := s.lastSeq(ctx, m.ConversationID)
	return nil, last + 1, err
}

// committed returns d once a majority read sees it. A concurrent call may
// have inserted it and not yet heard that it is majority-committed; so
// that no caller is told that a message is stored before it is safe from
// a failover, it waits.
func (s *Store) committed(ctx context.Context, d *messageDoc) (*chat.Message, error) {
	for {
		err := s.messages.FindOne(ctx, byID(d.ID)).Err()
		if err == nil {
			m := d.message()
			return &m, nil
		}
		if !errors.Is(err, mongo.ErrNoDocuments) {
			return nil, mapErr(err, "find message", "message")
		}
		select {
		case <-ctx.Done():
			return nil, mapErr(ctx.Err(), "wait for message to commit", "message")
		case <-time.After(durablePoll):
		}
	}
}

// lastSeq returns the highest stored seq of a conversation, or 0.
func (s *Store) lastSeq(ctx context.Context, conversationID string) (int64, error) {
	var d struct {
		Seq int64 `bson:"seq"`
	}
	opts := options.FindOne().
		SetSort(bson.D{{Key: "seq", Value: -1}}).
		SetProjection(bson.D{{Key: "seq", Value: 1}})
	err := s.latestMessages.FindOne(ctx, bson.D{{Key: "conversation_id", Value: conversationID}}, opts).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return 0, nil
	}
	if err != nil {
		return 0, mapErr(err, "find last message", "message")
	}
	return d.Seq, nil
}

// advance records m, which is stored, in its conversation c: the same
// bookkeeping as (*chat.Conversation).Advance, as conditional updates that
// never undo a later message's. It runs to the end even if the caller has
// gone, since m is committed either way. A failure is only logged: the
// message is stored, readers do not depend on the bookkeeping, and the
// next append or resend repeats it.
func (s *Store) advance(ctx context.Context, c *appendTarget, m *chat.Message) {
	ctx, cancel := s.op(context.WithoutCancel(ctx))
	defer cancel()
	if err := s.advanceConversation(ctx, c, m); err != nil {
		s.logger.Warn("mongo: advance conversation after append", "conversation", m.ConversationID, "seq", m.Seq, "err", err)
	}
}

func (s *Store) advanceConversation(ctx context.Context, c *appendTarget, m *chat.Message) error {
	body := newBodyDoc(m)
	// The summaries m becomes: last unless it is an activity, and
	// last_public unless it is private too.
	var summaries []string
	if !m.IsActivity() {
		summaries = append(summaries, "last")
	}
	if !m.Private {
		summaries = append(summaries, "last_public")
	}
	set := bson.D{
		{Key: "last_seq", Value: m.Seq},
		{Key: "updated_at", Value: m.CreatedAt},
	}
	for _, k := range summaries {
		set = append(set, bson.E{Key: k, Value: body})
	}
	update := bson.D{{Key: "$set", Value: set}}
	firstReply := bson.D{{Key: "$min", Value: bson.D{{Key: "first_reply_at", Value: m.CreatedAt}}}}
	isFirstReply := !m.Private && m.Author.Type == chat.AuthorAgent && c.FirstReplyAt == nil
	if isFirstReply {
		update = append(update, firstReply...)
	}
	newer := bson.D{{Key: "_id", Value: m.ConversationID}, {Key: "last_seq", Value: bson.D{{Key: "$lt", Value: m.Seq}}}}
	res, err := s.conversations.UpdateOne(ctx, newer, update)
	if err != nil {
		return fmt.Errorf("mongo: update conversation: %w", err)
	}
	if res.MatchedCount == 1 {
		return nil
	}

	// A later message got there first: last_seq is its, but it may have
	// been an activity, a private note, or not an agent's.
	for _, k := range summaries {
		filter := bson.D{{Key: "_id", Value: m.ConversationID}, {Key: "$or", Value: bson.A{
			bson.D{{Key: k, Value: nil}},
			bson.D{{Key: k + ".seq", Value: bson.D{{Key: "$lt", Value: m.Seq}}}},
		}}}
		update := bson.D{{Key: "$set", Value: bson.D{{Key: k, Value: body}}}}
		if _, err := s.conversations.UpdateOne(ctx, filter, update); err != nil {
			return fmt.Errorf("mongo: update conversation's %s message: %w", k, err)
		}
	}
	if isFirstReply {
		if _, err := s.conversations.UpdateOne(ctx, byID(m.ConversationID), firstReply); err != nil {
			return fmt.Errorf("mongo: update conversation's first reply: %w", err)
		}
	}
	return nil
}

// MessageByClientID finds a message by its sender's id.
func (s *Store) MessageByClientID(ctx context.Context, site, conversationID, clientID string) (*chat.Message, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var d messageDoc
	filter := bson.D{
		{Key: "conversation_id", Value: conversationID},
		{Key: "client_id", Value: clientID},
		{Key: "site", Value: site},
	}
	if err := s.messages.FindOne(ctx, filter).Decode(&d); err != nil {
		return nil, mapErr(err, "find message by client id", "message")
	}
	m := d.message()
	return &m, nil
}

// Messages returns up to limit (at most 200) messages with seq > afterSeq,
// in ascending seq order, from the messages collection.
func (s *Store) Messages(ctx context.Context, site, conversationID string, afterSeq int64, limit int) ([]chat.Message, error) {
	afterSeq = max(afterSeq, 0)
	filter := bson.D{
		{Key: "conversation_id", Value: conversationID},
		{Key: "seq", Value: bson.D{{Key: "$gt", Value: afterSeq}}},
	}
	out, err := s.findMessages(ctx, site, conversationID, filter, 1, limit)
	if err != nil {
		return nil, err
	}
	return out, checkContiguous(conversationID, afterSeq+1, out)
}

// MessagesBefore returns the newest limit (at most 200) messages with seq
// < beforeSeq, in ascending seq order.
func (s *Store) MessagesBefore(ctx context.Context, site, conversationID string, beforeSeq int64, limit int) ([]chat.Message, error) {
	filter := bson.D{
		{Key: "conversation_id", Value: conversationID},
		{Key: "seq", Value: bson.D{{Key: "$lt", Value: beforeSeq}}},
	}
	out, err := s.findMessages(ctx, site, conversationID, filter, -1, limit)
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) == 0 {
		return out, nil
	}
	return out, checkContiguous(conversationID, out[0].Seq, out)
}

// findMessages checks that the conversation is site's, then returns up to
// limit of its messages that match filter, sorted by seq in order (1 or
// -1).
func (s *Store) findMessages(ctx context.Context, site, conversationID string, filter bson.D, order, limit int) ([]chat.Message, error) {
	if limit <= 0 || limit > maxMessagesPage {
		limit = maxMessagesPage
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	if _, err := s.checkConversation(ctx, site, conversationID); err != nil {
		return nil, err
	}
	opts := options.Find().SetSort(bson.D{{Key: "seq", Value: order}}).SetLimit(int64(limit))
	cur, err := s.messages.Find(ctx, filter, opts)
	if err != nil {
		return nil, mapErr(err, "find messages", "message")
	}
	var docs []messageDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, mapErr(err, "find messages", "message")
	}
	out := make([]chat.Message, len(docs))
	for i := range docs {
		out[i] = docs[i].message()
	}
	return out, nil
}

// checkContiguous reports an error unless ms has seqs from, from+1, ...
// AppendMessage never leaves a gap, and a majority read sees a prefix of
// the writes, so this is a guard: a client must never skip a gap silently.
func checkContiguous(conversationID string, from int64, ms []chat.Message) error {
	for i := range ms {
		if want := from + int64(i); ms[i].Seq != want {
			return fmt.Errorf("mongo: conversation %s: message %d is missing", conversationID, want)
		}
	}
	return nil
}
