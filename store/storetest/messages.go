package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func testAppendMessage(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	m := newMessage("acme", c.ID, "c1")
	m.CreatedAt = time.Now().UTC().Add(time.Second) // sub-millisecond digits are dropped
	dup, err := s.AppendMessage(ctx, m)
	must(t, err)
	if dup || m.Seq != 1 || m.ID != chat.MessageID(c.ID, 1) || m.CreatedAt.Nanosecond()%int(time.Millisecond) != 0 {
		t.Fatalf("first append: duplicate %v, %+v", dup, m)
	}
	byClient, err := s.MessageByClientID(ctx, "acme", c.ID, "c1")
	must(t, err)
	if d := diff(byClient, m); d != "" {
		t.Errorf("MessageByClientID (-want +got):\n%s", d)
	}
	_, err = s.MessageByClientID(ctx, "acme", c.ID, "c999")
	wantCode(t, err, chat.CodeNotFound)

	tests := []struct {
		name string
		m    *chat.Message
		want chat.Code
	}{
		{"no client id", &chat.Message{Site: "acme", ConversationID: c.ID, Text: "x", CreatedAt: now()}, chat.CodeInvalid},
		{"no conversation", &chat.Message{Site: "acme", ClientID: "x", Text: "x", CreatedAt: now()}, chat.CodeInvalid},
		{"other site's conversation", newMessage("beta", c.ID, "c2"), chat.CodeNotFound},
		{"missing conversation", newMessage("acme", "nope", "c2"), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := s.AppendMessage(ctx, tt.m)
			wantCode(t, err, tt.want)
		})
	}
	// The failed appends changed nothing.
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	msgs, err := s.Messages(ctx, "acme", c.ID, 0, 10)
	must(t, err)
	if got.LastSeq != 1 || len(msgs) != 1 {
		t.Errorf("after failed appends: last_seq %d, %d messages", got.LastSeq, len(msgs))
	}

	// A message with files keeps their ids, in order, however it is read;
	// sent again with its client id, it comes back with them.
	withFiles := newMessage("acme", c.ID, "c-files")
	withFiles.Text, withFiles.Attachments = "", []string{"f2", "f1"}
	_, err = s.AppendMessage(ctx, withFiles)
	must(t, err)
	again := newMessage("acme", c.ID, "c-files")
	dup, err = s.AppendMessage(ctx, again)
	must(t, err)
	msgs, err = s.Messages(ctx, "acme", c.ID, 1, 10)
	must(t, err)
	if !dup || len(msgs) != 1 || !slices.Equal(msgs[0].Attachments, []string{"f2", "f1"}) || !slices.Equal(again.Attachments, []string{"f2", "f1"}) {
		t.Errorf("a message with files: duplicate %v, read back %+v, the resend got %v", dup, msgs, again.Attachments)
	}
}

// The conversation's summary moves in the same step as the append: what
// the inbox lists and what the visitor sees last.
func testAppendAdvances(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	base := now().Add(time.Minute)
	send := func(clientID string, author chat.AuthorType, private bool, at time.Time) *chat.Message {
		t.Helper()
		m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: clientID,
			Author: chat.Author{Type: author, ID: "x"}, Text: clientID, Private: private, CreatedAt: at}
		_, err := s.AppendMessage(ctx, m)
		must(t, err)
		return m
	}
	hello := send("hello", chat.AuthorVisitor, false, base)
	note := send("note", chat.AuthorAgent, true, base.Add(time.Second))
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 2 || !got.UpdatedAt.Equal(note.CreatedAt) || got.Answered() {
		t.Errorf("after a note: last_seq %d updated %v answered %v", got.LastSeq, got.UpdatedAt, got.Answered())
	}
	if d := diff(got.Last, note); d != "" {
		t.Errorf("Last (-want +got):\n%s", d)
	}
	if d := diff(got.LastPublic, hello); d != "" {
		t.Errorf("LastPublic after a private note (-want +got):\n%s", d)
	}
	reply := send("reply", chat.AuthorAgent, false, base.Add(2*time.Second))
	send("again", chat.AuthorAgent, false, base.Add(3*time.Second))
	got, err = s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if !got.FirstReplyAt.Equal(reply.CreatedAt) || got.LastPublic == nil || got.LastPublic.ClientID != "again" {
		t.Errorf("after replies: first reply %v (want %v), last public %+v", got.FirstReplyAt, reply.CreatedAt, got.LastPublic)
	}
}

func testClientIDDedupe(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	appendN(t, s, "acme", c.ID, 3)
	first, err := s.MessageByClientID(ctx, "acme", c.ID, "c2")
	must(t, err)

	resend := newMessage("acme", c.ID, "c2")
	resend.Text = "a different text"
	dup, err := s.AppendMessage(ctx, resend)
	must(t, err)
	if !dup {
		t.Fatal("a resend with a taken client id was stored again")
	}
	if d := diff(resend, first); d != "" {
		t.Errorf("resend answered with (-want +got):\n%s", d)
	}
	// The same client id in another conversation is another message.
	other := mustCreateConversation(t, s, "acme", "v2")
	m := newMessage("acme", other.ID, "c2")
	dup, err = s.AppendMessage(ctx, m)
	must(t, err)
	if dup || m.Seq != 1 {
		t.Errorf("client id of another conversation: duplicate %v seq %d", dup, m.Seq)
	}

	// Many tabs resending one message at once store it once.
	const n = 10
	var wg sync.WaitGroup
	got := make([]int64, n)
	for i := range n {
		wg.Go(func() {
			m := newMessage("acme", c.ID, "burst")
			if _, err := s.AppendMessage(ctx, m); err != nil {
				t.Error(err)
			}
			got[i] = m.Seq
		})
	}
	wg.Wait()
	for _, seq := range got {
		if seq != 4 {
			t.Fatalf("concurrent resends got seqs %v, want all 4", got)
		}
	}
	msgs, err := s.Messages(ctx, "acme", c.ID, 0, 100)
	must(t, err)
	if !slices.Equal(seqs(msgs), seqRange(1, 4)) {
		t.Errorf("messages = %v, want 1..4", seqs(msgs))
	}
}

func testMessagesPaging(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	const n = 230 // more than one page of 200
	appendN(t, s, "acme", c.ID, n)

	after := []struct {
		name     string
		afterSeq int64
		limit    int
		want     []int64
	}{
		{"newest", n - 10, 100, seqRange(n-9, n)},
		{"first page", 0, 10, seqRange(1, 10)},
		{"middle", 25, 10, seqRange(26, 35)},
		{"capped at 200", 0, 500, seqRange(1, 200)},
		{"default limit", 0, 0, seqRange(1, 200)},
		{"nothing newer", n, 10, nil},
		{"negative after", -5, 3, seqRange(1, 3)},
	}
	for _, tt := range after {
		t.Run("after "+tt.name, func(t *testing.T) {
			got, err := s.Messages(ctx, "acme", c.ID, tt.afterSeq, tt.limit)
			must(t, err)
			if d := diff(seqs(got), tt.want); d != "" {
				t.Errorf("seqs (-want +got):\n%s", d)
			}
			for _, m := range got {
				if m.Text != fmt.Sprintf("message c%d", m.Seq) || m.ConversationID != c.ID || m.Site != "acme" {
					t.Errorf("message %d = %+v", m.Seq, m)
				}
			}
		})
	}
	before := []struct {
		name      string
		beforeSeq int64
		limit     int
		want      []int64
	}{
		{"latest page", n + 1, 20, seqRange(n-19, n)},
		{"older page", n - 19, 20, seqRange(n-39, n-20)},
		{"reaches the start", 6, 20, seqRange(1, 5)},
		{"nothing older", 1, 20, nil},
		{"capped at 200", n + 1, 1000, seqRange(n-199, n)},
	}
	for _, tt := range before {
		t.Run("before "+tt.name, func(t *testing.T) {
			got, err := s.MessagesBefore(ctx, "acme", c.ID, tt.beforeSeq, tt.limit)
			must(t, err)
			if d := diff(seqs(got), tt.want); d != "" {
				t.Errorf("seqs (-want +got):\n%s", d)
			}
		})
	}
}

// sendAll appends perSender messages from each of senders goroutines to
// one conversation through the given stores (round robin) and returns the
// acknowledged messages by client id.
func sendAll(t *testing.T, stores []chat.Store, site, conv string, senders, perSender int) map[string]int64 {
	t.Helper()
	ctx := ctxT(t)
	var mu sync.Mutex
	acked := map[string]int64{}
	var wg sync.WaitGroup
	for g := range senders {
		s := stores[g%len(stores)]
		wg.Go(func() {
			for i := range perSender {
				m := newMessage(site, conv, fmt.Sprintf("g%d-%d", g, i))
				dup, err := s.AppendMessage(ctx, m)
				if err != nil {
					t.Errorf("append %s: %v", m.ClientID, err)
					return
				}
				if dup {
					t.Errorf("append %s: reported duplicate", m.ClientID)
				}
				mu.Lock()
				acked[m.ClientID] = m.Seq
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return acked
}

// checkContiguous checks that the conversation holds exactly the acked
// messages, each once, under the seq it was acked with, as 1..n.
func checkContiguous(t *testing.T, s chat.Store, site, conv string, acked map[string]int64) {
	t.Helper()
	ctx := ctxT(t)
	var msgs []chat.Message
	for after := int64(0); ; {
		page, err := s.Messages(ctx, site, conv, after, 200)
		must(t, err)
		if len(page) == 0 {
			break
		}
		msgs = append(msgs, page...)
		after = page[len(page)-1].Seq
	}
	if !slices.Equal(seqs(msgs), seqRange(1, int64(len(acked)))) {
		t.Fatalf("stored seqs are not 1..%d: %v", len(acked), seqs(msgs))
	}
	seen := map[string]bool{}
	for _, m := range msgs {
		if seen[m.ClientID] {
			t.Fatalf("client id %s stored twice", m.ClientID)
		}
		seen[m.ClientID] = true
		if seq, ok := acked[m.ClientID]; !ok || seq != m.Seq {
			t.Fatalf("message %s stored at seq %d, acked at %d (acked: %v)", m.ClientID, m.Seq, seq, ok)
		}
	}
}

func testConcurrentSenders(t *testing.T, b Backend) {
	s := b.Open(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	const senders, each = 50, 4
	acked := sendAll(t, []chat.Store{s}, "acme", c.ID, senders, each)
	if len(acked) != senders*each {
		t.Fatalf("%d acked, want %d", len(acked), senders*each)
	}
	checkContiguous(t, s, "acme", c.ID, acked)
	got, err := s.Conversation(ctxT(t), "acme", c.ID)
	must(t, err)
	if !b.NonAtomicUpdates && (got.LastSeq != senders*each || got.Last == nil || got.Last.Seq != senders*each) {
		t.Errorf("conversation last_seq %d, last %+v; want %d", got.LastSeq, got.Last, senders*each)
	}
}

// Two kefu processes or nodes, each with its own store on one database,
// race appends to one conversation: the seqs stay contiguous, nothing is
// stored twice and no acked message is hidden. The next append from
// either one sees everything.
func testTwoStoresRace(t *testing.T, b Backend) {
	s1, s2 := b.OpenTwo(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s1, "acme", "v1")
	if _, err := s2.Conversation(ctx, "acme", c.ID); err != nil {
		t.Fatalf("the second store does not see the first one's conversation: %v", err)
	}
	const senders, each = 8, 15
	acked := sendAll(t, []chat.Store{s1, s2}, "acme", c.ID, senders, each)
	checkContiguous(t, s2, "acme", c.ID, acked)
	checkContiguous(t, s1, "acme", c.ID, acked)

	for i, s := range []chat.Store{s2, s1} {
		m := newMessage("acme", c.ID, fmt.Sprintf("after-%d", i))
		if _, err := s.AppendMessage(ctx, m); err != nil {
			t.Fatal(err)
		}
		want := int64(senders*each + i + 1)
		if m.Seq != want {
			t.Fatalf("append after the race got seq %d, want %d", m.Seq, want)
		}
		got, err := s.Conversation(context.Background(), "acme", c.ID)
		must(t, err)
		if got.LastSeq != want || got.Last == nil || got.Last.ClientID != m.ClientID {
			t.Fatalf("after the race: last_seq %d, last %+v; want %d, %s", got.LastSeq, got.Last, want, m.ClientID)
		}
	}
}
