package app

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
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
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	part, _ := w.CreateFormFile("file", "order.txt")
	part.Write([]byte("订单 A1024"))
	w.Close()
	req, _ := http.NewRequest("POST", one.URL()+"/api/v1/widget/demo/conversations/"+conv.ID+"/attachments", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+sess.Token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var up struct {
		Attachment struct {
			URL string `json:"url"`
		} `json:"attachment"`
	}
	err = json.NewDecoder(res.Body).Decode(&up)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusCreated {
		t.Fatalf("upload through node one: %d %v", res.StatusCode, err)
	}
	res, err = http.Get(two.URL() + up.Attachment.URL)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || string(got) != "订单 A1024" {
		t.Errorf("the file through node two: %d %q", res.StatusCode, got)
	}
}
