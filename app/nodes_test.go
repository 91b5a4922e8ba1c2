package app

import (
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/kefu/kefu/bus/natstest"
	"github.com/kefu/kefu/client"
	"github.com/kefu/kefu/config"
	"github.com/kefu/kefu/store/mongo/mongotest"
)

// TestTwoNodesKeepTheirIndexesInStep runs two kefu processes' worth of
// wiring on one database and one NATS server, each with its own data dir
// and FAQ index. An entry written through one node is suggested by the
// other.
func TestTwoNodesKeepTheirIndexesInStep(t *testing.T) {
	ctx := context.Background()
	uri := mongotest.URI(t)
	natsURL := natstest.Start(t)
	node := func() *Main {
		cfg, err := config.Load([]string{"-addr", "127.0.0.1:0", "-data-dir", t.TempDir(), "-log-level", "error",
			"-mongodb-uri", uri, "-nats-url", natsURL, "-admin-password", "two-nodes-pw",
			"-secret", "a-secret-shared-by-both-nodes-0123456789"}, func(string) string { return "" }, io.Discard)
		if err != nil {
			t.Fatal(err)
		}
		m := New(cfg, io.Discard)
		if err := m.Run(ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(context.Background()) })
		return m
	}
	one, two := node(), node()
	c1, c2 := client.New(one.URL()), client.New(two.URL())
	token, err := c1.Login(ctx, "admin@example.com", "two-nodes-pw", "")
	if err != nil {
		t.Fatal(err)
	}
	entry := map[string]any{"lang": "en", "category": "boats", "question": "Can I pay for a canoe rental?", "answer": "Yes, by card."}
	if err := c1.Do(ctx, "POST", "/api/v1/faq", token, entry, nil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if hasQuestion(suggest(t, c2, "demo", "en", "canoe"), "Can I pay for a canoe rental?") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the other node never indexed the new entry")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// A file sent through one node is served by the other: both keep files
	// in GridFS and sign URLs with the same key.
	sess, err := c1.NewSession(ctx, "demo", nil)
	if err != nil {
		t.Fatal(err)
	}
	conv, err := c1.StartConversation(ctx, "demo", sess.Token, "")
	if err != nil {
		t.Fatal(err)
	}
	up, err := c1.Upload(ctx, "/api/v1/widget/demo/conversations/"+conv.ID+"/attachments", sess.Token, "order.txt", []byte("订单 A1024"))
	if err != nil {
		t.Fatalf("upload through node one: %v", err)
	}
	res, err := http.Get(two.URL() + up.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(got) != "订单 A1024" {
		t.Errorf("the file through node two: %d %q", res.StatusCode, got)
	}
}
