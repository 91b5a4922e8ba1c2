package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func newActivity(site, conv, clientID string, at time.Time) *chat.Message {
	return &chat.Message{
		Site: site, ConversationID: conv, ClientID: clientID,
		Author: chat.Author{Type: chat.AuthorSystem}, Private: true, CreatedAt: at,
		Event: &chat.Activity{Kind: chat.ActivityAssign,
			To: &chat.Author{Type: chat.AuthorAgent, ID: "lei", Name: "李雷"},
			By: chat.Author{Type: chat.AuthorAgent, ID: "fang", Name: "王芳"}},
	}
}

// An activity is stored with its event and read back whole, takes its
// seq, and moves the conversation's last_seq and updated_at, but leaves
// what the lists show as its last message, and what the visitor sees, to
// what someone wrote.
func testActivities(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	base := now().Add(time.Minute)
	hello := newMessage("acme", c.ID, "hello")
	hello.CreatedAt = base
	_, err := s.AppendMessage(ctx, hello)
	must(t, err)
	act := newActivity("acme", c.ID, "a1", base.Add(time.Second))
	_, err = s.AppendMessage(ctx, act)
	must(t, err)
	status := newActivity("acme", c.ID, "a2", base.Add(2*time.Second))
	status.Event = &chat.Activity{Kind: chat.ActivityStatus, Status: chat.StatusResolved, By: chat.Author{Type: chat.AuthorVisitor, ID: "v1"}}
	_, err = s.AppendMessage(ctx, status)
	must(t, err)
	if act.Seq != 2 || status.Seq != 3 {
		t.Fatalf("activities got seqs %d, %d; want 2, 3", act.Seq, status.Seq)
	}

	msgs, err := s.Messages(ctx, "acme", c.ID, 1, 10)
	must(t, err)
	if d := diff(msgs, []chat.Message{*act, *status}); d != "" {
		t.Errorf("activities read back (-want +got):\n%s", d)
	}
	byClient, err := s.MessageByClientID(ctx, "acme", c.ID, "a1")
	must(t, err)
	if d := diff(byClient, act); d != "" {
		t.Errorf("MessageByClientID (-want +got):\n%s", d)
	}
	before, err := s.MessagesBefore(ctx, "acme", c.ID, 4, 1)
	must(t, err)
	if d := diff(before, []chat.Message{*status}); d != "" {
		t.Errorf("MessagesBefore (-want +got):\n%s", d)
	}

	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 3 || !got.UpdatedAt.Equal(status.CreatedAt) || got.Answered() {
		t.Errorf("after activities: last_seq %d updated %v answered %v; want 3, %v, false", got.LastSeq, got.UpdatedAt, got.Answered(), status.CreatedAt)
	}
	if d := diff(got.Last, hello); d != "" {
		t.Errorf("Last after activities (-want +got):\n%s", d)
	}
	if d := diff(got.LastPublic, hello); d != "" {
		t.Errorf("LastPublic after activities (-want +got):\n%s", d)
	}
	list, err := s.ListConversations(ctx, chat.ConversationFilter{Site: "acme", Limit: 10})
	must(t, err)
	if len(list) != 1 || list[0].Last == nil || list[0].Last.ClientID != "hello" {
		t.Errorf("listed after activities: %+v", list)
	}

	reply := newMessage("acme", c.ID, "reply")
	reply.CreatedAt = base.Add(3 * time.Second)
	_, err = s.AppendMessage(ctx, reply)
	must(t, err)
	got, err = s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != 4 || got.Last == nil || got.Last.ClientID != "reply" {
		t.Errorf("after a message that follows activities: last_seq %d, last %+v", got.LastSeq, got.Last)
	}
}

// Messages and activities appended at once: the conversation's Last ends
// as the newest message that is not an activity, whichever order the
// appends recorded themselves in.
func testActivitiesRace(t *testing.T, b Backend) {
	needsAtomicUpdates(t, b)
	s := b.Open(t)
	ctx := ctxT(t)
	c := mustCreateConversation(t, s, "acme", "v1")
	const senders, each = 10, 6
	var wg sync.WaitGroup
	for i := range senders {
		wg.Go(func() {
			for j := range each {
				id := fmt.Sprintf("s%d-%d", i, j)
				m := newMessage("acme", c.ID, id)
				if (i+j)%2 == 0 {
					m = newActivity("acme", c.ID, id, now())
				}
				if _, err := s.AppendMessage(ctx, m); err != nil {
					t.Errorf("append %s: %v", id, err)
					return
				}
			}
		})
	}
	wg.Wait()
	var newest int64
	for after := int64(0); ; {
		page, err := s.Messages(ctx, "acme", c.ID, after, 200)
		must(t, err)
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			if !m.IsActivity() {
				newest = m.Seq
			}
		}
		after = page[len(page)-1].Seq
	}
	got, err := s.Conversation(ctx, "acme", c.ID)
	must(t, err)
	if got.LastSeq != senders*each || got.Last == nil || got.Last.Seq != newest || got.Last.IsActivity() {
		t.Errorf("after the race: last_seq %d, last %+v; want %d and seq %d", got.LastSeq, got.Last, senders*each, newest)
	}
}
