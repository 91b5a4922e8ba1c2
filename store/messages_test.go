package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func newMessage(site, conv string, seq int64) *chat.Message {
	return &chat.Message{
		Site: site, ConversationID: conv, Seq: seq, ClientID: fmt.Sprintf("c%d", seq),
		Author: chat.Author{Type: chat.AuthorVisitor, ID: "v1", Name: "访客"},
		Text:   fmt.Sprintf("message %d", seq), CreatedAt: now(),
	}
}

// appendN appends messages from..to to a conversation.
func appendN(t *testing.T, s *Store, site, conv string, from, to int64) {
	t.Helper()
	for seq := from; seq <= to; seq++ {
		must(t, s.AppendMessage(context.Background(), newMessage(site, conv, seq)))
	}
}

func seqs(ms []chat.Message) []int64 {
	out := make([]int64, len(ms))
	for i := range ms {
		out[i] = ms[i].Seq
	}
	return out
}

func seqRange(from, to int64) []int64 {
	out := []int64{}
	for seq := from; seq <= to; seq++ {
		out = append(out, seq)
	}
	return out
}

func TestAppendMessage(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	m := newMessage("acme", c.ID, 1)
	m.CreatedAt = m.CreatedAt.Add(time.Second)
	m.Private = true
	must(t, s.AppendMessage(ctx, m))
	if m.ID == "" {
		t.Fatal("AppendMessage left the id empty")
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 1 || len(got.Tail) != 1 || !reflect.DeepEqual(got.Tail[0], *m) {
		t.Errorf("conversation after append: last_seq %d tail %+v, want %+v", got.LastSeq, got.Tail, *m)
	}
	if !got.UpdatedAt.Equal(m.CreatedAt) {
		t.Errorf("updated_at = %v, want the message's %v", got.UpdatedAt, m.CreatedAt)
	}
	byClient, err := s.MessageByClientID(ctx, "acme", c.ID, "c1")
	must(t, err)
	if !reflect.DeepEqual(*byClient, *m) {
		t.Errorf("MessageByClientID = %+v, want %+v", byClient, m)
	}

	dupClient := newMessage("acme", c.ID, 2)
	dupClient.ClientID = "c1"
	tests := []struct {
		name string
		m    *chat.Message
		want chat.Code
	}{
		{"duplicate seq", newMessage("acme", c.ID, 1), chat.CodeConflict},
		{"duplicate client id", dupClient, chat.CodeConflict},
		{"no client id", &chat.Message{Site: "acme", ConversationID: c.ID, Seq: 2}, chat.CodeInvalid},
		{"zero seq", newMessage("acme", c.ID, 0), chat.CodeInvalid},
		{"other site's conversation", newMessage("beta", c.ID, 2), chat.CodeNotFound},
		{"missing conversation", newMessage("acme", "nope", 1), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, s.AppendMessage(ctx, tt.m), tt.want) })
	}
	// The failed appends changed nothing.
	got, err = s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 1 || len(got.Tail) != 1 {
		t.Errorf("after failed appends: last_seq %d, tail %d", got.LastSeq, len(got.Tail))
	}
}

func TestMessages(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	const n = chat.TailSize + 30 // the first 30 are only in the messages collection
	appendN(t, s, "acme", c.ID, 1, n)

	conv, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if conv.LastSeq != n || len(conv.Tail) != chat.TailSize || conv.Tail[0].Seq != n-chat.TailSize+1 {
		t.Fatalf("last_seq %d, tail of %d from seq %d", conv.LastSeq, len(conv.Tail), conv.Tail[0].Seq)
	}

	tests := []struct {
		name     string
		afterSeq int64
		limit    int
		want     []int64
	}{
		{"from tail", n - 10, 100, seqRange(n-9, n)},
		{"whole tail", n - chat.TailSize, 0, seqRange(n-chat.TailSize+1, n)},
		{"beyond tail", 0, 10, seqRange(1, 10)},
		{"across tail start", 25, 10, seqRange(26, 35)},
		{"everything", 0, 500, seqRange(1, n)},
		{"nothing newer", n, 10, []int64{}},
		{"negative after", -5, 3, seqRange(1, 3)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Messages(ctx, "acme", c.ID, tt.afterSeq, tt.limit)
			must(t, err)
			if !reflect.DeepEqual(seqs(got), tt.want) {
				t.Errorf("seqs = %v, want %v", seqs(got), tt.want)
			}
			for _, m := range got {
				if m.Text != fmt.Sprintf("message %d", m.Seq) || m.ConversationID != c.ID || m.Site != "acme" {
					t.Errorf("message %d = %+v", m.Seq, m)
				}
			}
		})
	}

	// A resend of an old message is found beyond the tail too.
	old, err := s.MessageByClientID(ctx, "acme", c.ID, "c3")
	must(t, err)
	if old.Seq != 3 {
		t.Errorf("MessageByClientID(c3).Seq = %d", old.Seq)
	}
	_, err = s.MessageByClientID(ctx, "acme", c.ID, "c999")
	wantCode(t, err, chat.CodeNotFound)
}

func TestMessagesNeverSkipAGap(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	appendN(t, s, "acme", c.ID, 1, chat.TailSize+5)
	_, err := s.messages.DeleteOne(ctx, byID(messageID(c.ID, 2)))
	must(t, err)
	if got, err := s.Messages(ctx, "acme", c.ID, 0, 10); err == nil {
		t.Fatalf("Messages over a gap = %v, want an error", seqs(got))
	}
}

func TestRepairConversation(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	c := mustCreateConversation(t, s, "acme", "v1")
	appendN(t, s, "acme", c.ID, 1, 60)
	// A crash between the two writes of AppendMessage: messages 61 and 62
	// are stored, the conversation does not know them.
	for seq := int64(61); seq <= 62; seq++ {
		m := newMessage("acme", c.ID, seq)
		_, err := s.messages.InsertOne(ctx, messageDoc{
			ID: messageID(c.ID, seq), Site: "acme", ConversationID: c.ID, Body: newBodyDoc(m),
		})
		must(t, err)
	}
	wantCode(t, s.AppendMessage(ctx, newMessage("acme", c.ID, 61)), chat.CodeConflict)

	repaired, err := s.RepairConversation(ctx, "acme", c.ID)
	must(t, err)
	if repaired.LastSeq != 62 || !reflect.DeepEqual(seqs(repaired.Tail), seqRange(62-chat.TailSize+1, 62)) {
		t.Errorf("repaired: last_seq %d tail %v", repaired.LastSeq, seqs(repaired.Tail))
	}
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 62 || len(got.Tail) != chat.TailSize {
		t.Errorf("stored after repair: last_seq %d, tail %d", got.LastSeq, len(got.Tail))
	}
	appendN(t, s, "acme", c.ID, 63, 63)
	msgs, err := s.Messages(ctx, "acme", c.ID, 58, 10)
	must(t, err)
	if !reflect.DeepEqual(seqs(msgs), seqRange(59, 63)) {
		t.Errorf("after repair and append: %v", seqs(msgs))
	}

	_, err = s.RepairConversation(ctx, "beta", c.ID)
	wantCode(t, err, chat.CodeNotFound)
}
