package server_test

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// The widget says how long agents usually take to answer: the median time
// to the first reply of the site's latest answered chats, rounded up to
// whole minutes, once five chats were answered.
func TestUsualReplyTime(t *testing.T) {
	var mu sync.Mutex
	now := time.Now().UTC()
	e := startEnv(t, func(o *serverOptions) { o.Now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now } })
	ctx := ctxT(t)
	chatWith := func(kind chat.Kind, reply time.Duration) {
		start := now.Add(-time.Hour)
		c := &chat.Conversation{Site: "site-a", VisitorID: chat.NewID(), Kind: kind, CreatedAt: start, UpdatedAt: start}
		if err := e.store.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		msgs := []chat.Message{{Author: chat.Author{Type: chat.AuthorVisitor}, CreatedAt: start}}
		if reply > 0 {
			msgs = append(msgs, chat.Message{Author: chat.Author{Type: chat.AuthorAgent, ID: "a", Name: "Ann"}, CreatedAt: start.Add(reply)})
		}
		for i := range msgs {
			m := &msgs[i]
			m.Site, m.ConversationID, m.ClientID, m.Text = "site-a", c.ID, fmt.Sprint(i), "hi"
			if _, err := e.store.AppendMessage(ctx, m); err != nil {
				t.Fatal(err)
			}
		}
	}
	usual := func() int {
		var cfg struct {
			ReplyMinutes int `json:"reply_minutes"`
		}
		if err := e.client().Do(ctx, "GET", "/api/v1/widget/site-a/config", "", nil, &cfg); err != nil {
			t.Fatal(err)
		}
		return cfg.ReplyMinutes
	}
	for _, d := range []time.Duration{2 * time.Minute, 3 * time.Minute, 4*time.Minute + time.Second, 5 * time.Minute} {
		chatWith(chat.KindChat, d)
	}
	chatWith(chat.KindChat, 0)                 // not answered
	chatWith(chat.KindOffline, 90*time.Minute) // a message left, answered by email
	if got := usual(); got != 0 {
		t.Errorf("with four answered chats the widget says %d minutes, want nothing", got)
	}
	chatWith(chat.KindChat, 10*time.Minute)
	mu.Lock()
	now = now.Add(6 * time.Minute) // the figure is kept for 5 minutes
	mu.Unlock()
	if got := usual(); got != 5 {
		t.Errorf("usual reply = %d minutes, want 5 (the median, 4 min 1 s, rounded up)", got)
	}
}
