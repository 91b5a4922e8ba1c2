package mongo

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/mongo/mongotest"
	"github.com/kefu/kefu/store/storetest"
)

func TestContract(t *testing.T) {
	storetest.Run(t, storetest.Backend{
		Open: func(t *testing.T) chat.Store { return mustOpen(t, mongotest.URI(t)) },
		OpenTwo: func(t *testing.T) (chat.Store, chat.Store) {
			uri := mongotest.URI(t)
			return mustOpen(t, uri), mustOpen(t, uri)
		},
		// FerretDB stands in when no real MongoDB is given.
		NonAtomicUpdates: os.Getenv(mongotest.EnvURI) == "",
	})
}

// testOpTimeout replaces DefaultOpTimeout in tests. The FerretDB stand-in
// under the race detector, on two cores, with fifty goroutines appending
// to one conversation, takes tens of milliseconds per operation, and an
// unlucky appender can wait longer than ten seconds for its turn.
const testOpTimeout = time.Minute

// mustOpen opens a store on uri, closed when the test ends.
func mustOpen(t testing.TB, uri string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Config{URI: uri, OpTimeout: testOpTimeout, Logger: testLogger(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(context.Background()); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	mongotest.IndexIDs(t, uri)
	return s
}

func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type testWriter struct{ t testing.TB }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func now() time.Time { return time.Now().UTC().Truncate(time.Millisecond) }

func newConversation(t testing.TB, s *Store) *chat.Conversation {
	t.Helper()
	c := &chat.Conversation{Site: "acme", VisitorID: "v1", CreatedAt: now()}
	must(t, s.CreateConversation(context.Background(), c))
	return c
}

func newMessage(conv, clientID string) *chat.Message {
	return &chat.Message{
		Site: "acme", ConversationID: conv, ClientID: clientID,
		Author: chat.Author{Type: chat.AuthorVisitor, ID: "v1"}, Text: "hi " + clientID, CreatedAt: now(),
	}
}

func appendOne(t testing.TB, s *Store, m *chat.Message) (dup bool) {
	t.Helper()
	dup, err := s.AppendMessage(context.Background(), m)
	must(t, err)
	return dup
}

// allMessages reads every message of a conversation, page by page.
func allMessages(t testing.TB, s *Store, conv string) []chat.Message {
	t.Helper()
	var out []chat.Message
	for after := int64(0); ; {
		page, err := s.Messages(context.Background(), "acme", conv, after, 0)
		must(t, err)
		if len(page) == 0 {
			return out
		}
		out = append(out, page...)
		after = page[len(page)-1].Seq
	}
}

func TestAppendDedupe(t *testing.T) {
	s := mustOpen(t, mongotest.URI(t))
	ctx := context.Background()
	c := newConversation(t, s)
	first := newMessage(c.ID, "a")
	if appendOne(t, s, first) || first.Seq != 1 || first.ID != chat.MessageID(c.ID, 1) {
		t.Fatalf("first append: %+v", first)
	}
	appendOne(t, s, newMessage(c.ID, "b"))

	resend := newMessage(c.ID, "a")
	resend.Text = "edited on the client meanwhile"
	if !appendOne(t, s, resend) {
		t.Fatal("resend was not reported as a duplicate")
	}
	if !reflect.DeepEqual(*resend, *first) {
		t.Errorf("resend answered with %+v, want the stored %+v", resend, first)
	}
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 2 || got.Last == nil || got.Last.ClientID != "b" {
		t.Errorf("after resend: last_seq %d, last %+v", got.LastSeq, got.Last)
	}
	if n := len(allMessages(t, s, c.ID)); n != 2 {
		t.Errorf("%d messages stored, want 2", n)
	}
}

// A process that dies between inserting a message and advancing its
// conversation leaves the conversation behind; the message is readable
// anyway, and the next append or a resend heals the conversation.
func TestAppendHealsAfterCrash(t *testing.T) {
	tests := []struct {
		name string
		next *chat.Message // what the client sends next
		seq  int64         // the seq it gets
	}{
		{"next append", newMessage("", "next"), 3},
		{"resend", newMessage("", "orphan"), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpen(t, mongotest.URI(t))
			ctx := context.Background()
			c := newConversation(t, s)
			appendOne(t, s, newMessage(c.ID, "first"))
			// The orphan: stored at seq 2, never recorded in the
			// conversation.
			orphan := newMessage(c.ID, "orphan")
			orphan.Seq, orphan.ID = 2, chat.MessageID(c.ID, 2)
			_, err := s.messages.InsertOne(ctx, messageDoc{ID: orphan.ID, Site: "acme", ConversationID: c.ID, Body: newBodyDoc(orphan)})
			must(t, err)
			if msgs := allMessages(t, s, c.ID); len(msgs) != 2 {
				t.Fatalf("the orphan is not readable: %d messages", len(msgs))
			}

			next := tt.next
			next.ConversationID = c.ID
			appendOne(t, s, next)
			got, err := s.Conversation(ctx, "acme", c.ID)
			must(t, err)
			if next.Seq != tt.seq || got.LastSeq != tt.seq || got.Last == nil || got.Last.Seq != tt.seq {
				t.Errorf("seq %d, conversation last_seq %d last %+v; want %d", next.Seq, got.LastSeq, got.Last, tt.seq)
			}
		})
	}
}

// A conversation's last_seq that fell behind (as FerretDB's racing updates
// can leave it) never makes an append reuse a seq, and the append sets it
// right.
func TestAppendRecoversFromStaleLastSeq(t *testing.T) {
	s := mustOpen(t, mongotest.URI(t))
	ctx := context.Background()
	c := newConversation(t, s)
	for i := range 5 {
		appendOne(t, s, newMessage(c.ID, fmt.Sprintf("m%d", i)))
	}
	_, err := s.conversations.UpdateOne(ctx, byID(c.ID), bson.D{{Key: "$set", Value: bson.D{{Key: "last_seq", Value: int64(1)}}}})
	must(t, err)

	m := newMessage(c.ID, "late")
	appendOne(t, s, m)
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if m.Seq != 6 || got.LastSeq != 6 {
		t.Errorf("append after a stale last_seq: seq %d, last_seq %d; want 6", m.Seq, got.LastSeq)
	}
	if seqs := len(allMessages(t, s, c.ID)); seqs != 6 {
		t.Errorf("%d messages, want 6", seqs)
	}
}

// A later message that wins the race to advance the conversation does not
// stop an earlier public reply from counting as the visitor's last public
// message and the first reply.
func TestAdvanceAfterALaterMessage(t *testing.T) {
	s := mustOpen(t, mongotest.URI(t))
	ctx := context.Background()
	c := newConversation(t, s)
	base := now()
	reply := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "reply", Seq: 1,
		Author: chat.Author{Type: chat.AuthorAgent, ID: "ann"}, Text: "hello", CreatedAt: base}
	note := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "note", Seq: 2,
		Author: chat.Author{Type: chat.AuthorAgent, ID: "bob"}, Text: "vip", Private: true, CreatedAt: base.Add(time.Second)}
	for _, m := range []*chat.Message{reply, note} {
		m.ID = chat.MessageID(c.ID, m.Seq)
		_, err := s.messages.InsertOne(ctx, messageDoc{ID: m.ID, Site: "acme", ConversationID: c.ID, Body: newBodyDoc(m)})
		must(t, err)
	}
	// The note's bookkeeping lands first.
	must(t, s.advanceConversation(ctx, &appendTarget{Site: "acme"}, note))
	must(t, s.advanceConversation(ctx, &appendTarget{Site: "acme"}, reply))

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 2 || got.Last == nil || got.Last.ClientID != "note" {
		t.Errorf("last_seq %d, last %+v; want the note at 2", got.LastSeq, got.Last)
	}
	if got.LastPublic == nil || got.LastPublic.ClientID != "reply" || !got.FirstReplyAt.Equal(reply.CreatedAt) {
		t.Errorf("last public %+v, first reply %v; want the reply at %v", got.LastPublic, got.FirstReplyAt, reply.CreatedAt)
	}
}

func TestOpenErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		code chat.Code // "" for a plain configuration error
	}{
		{"no uri", Config{}, ""},
		{"bad uri", Config{URI: "http://x"}, ""},
		{"unreachable server", Config{URI: "mongodb://127.0.0.1:1/?connectTimeoutMS=200"}, chat.CodeUnavailable},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
			defer cancel()
			tt.cfg.Logger = testLogger(t)
			s, err := Open(ctx, tt.cfg)
			if err == nil {
				s.Close(ctx)
				t.Fatal("Open succeeded")
			}
			if tt.code != "" && chat.ErrorCode(err) != tt.code {
				t.Fatalf("error = %v, want code %s", err, tt.code)
			}
		})
	}
}

// Reopening runs the index setup again, and the data and the unique
// indexes are still there.
func TestReopen(t *testing.T) {
	uri := mongotest.URI(t)
	ctx := context.Background()
	s := mustOpen(t, uri)
	must(t, s.CreateSite(ctx, &chat.Site{Key: "acme", Name: "Acme"}))
	s2 := mustOpen(t, uri)
	site, err := s2.Site(ctx, "acme")
	must(t, err)
	if site.Name != "Acme" {
		t.Errorf("site after reopen = %+v", site)
	}
	if err := s2.CreateSite(ctx, &chat.Site{Key: "acme"}); !chat.IsCode(err, chat.CodeConflict) {
		t.Errorf("duplicate site after reopen: %v, want a conflict", err)
	}
	names, err := s2.db.ListCollectionNames(ctx, bson.D{})
	must(t, err)
	slices.Sort(names)
	want := collectionNames()
	slices.Sort(want)
	if !slices.Equal(names, want) {
		t.Errorf("collections = %v, want %v", names, want)
	}
}

// Feedback stored before statuses existed has no status field. It reads
// as new, the new filter finds it, and the others do not.
func TestFeedbackWithoutStatusIsNew(t *testing.T) {
	s := mustOpen(t, mongotest.URI(t))
	ctx := context.Background()
	_, err := s.feedback.InsertOne(ctx, bson.D{
		{Key: "_id", Value: "old"}, {Key: "site", Value: "acme"}, {Key: "category", Value: "bug"},
		{Key: "text", Value: "from an older kefu"}, {Key: "created_at", Value: now()},
	})
	must(t, err)
	f, err := s.Feedback(ctx, "acme", "old")
	must(t, err)
	if f.Status != chat.FeedbackNew {
		t.Errorf("status %q, want new", f.Status)
	}
	for _, tt := range []struct {
		status chat.FeedbackStatus
		n      int
	}{{chat.FeedbackNew, 1}, {"", 1}, {chat.FeedbackPlanned, 0}} {
		list, err := s.ListFeedback(ctx, chat.FeedbackFilter{Site: "acme", Status: tt.status})
		must(t, err)
		if len(list) != tt.n {
			t.Errorf("ListFeedback with status %q: %d, want %d", tt.status, len(list), tt.n)
		}
	}
}
