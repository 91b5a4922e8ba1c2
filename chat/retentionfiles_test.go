package chat_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/kefu/kefu/blob"
	"github.com/kefu/kefu/chat"
)

// Retention deletes a resolved conversation's files with it, from the
// records and from the files folder, and keeps the files of a
// conversation that stays.
func TestPurgeDeletesFiles(t *testing.T) {
	ctx := context.Background()
	st := mustOpenStore(t)
	dir, err := blob.Open(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	old := now.Add(-100 * 24 * time.Hour)
	keys := map[string]string{}
	for _, name := range []string{"gone", "kept"} {
		c := &chat.Conversation{Site: "acme", VisitorID: name, CreatedAt: old, UpdatedAt: old}
		if err := st.CreateConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
		key, err := dir.Put(ctx, c.ID, []byte("the same screenshot"))
		if err != nil {
			t.Fatal(err)
		}
		keys[name] = key
		if err := st.CreateAttachment(ctx, &chat.Attachment{Site: "acme", ConversationID: c.ID, Uploader: chat.Author{Type: chat.AuthorVisitor, ID: name},
			Name: "shot.png", Type: "image/png", Blob: key, CreatedAt: old}); err != nil {
			t.Fatal(err)
		}
		at := old
		if name == "kept" {
			at = now
		}
		if err := st.SetStatus(ctx, "acme", c.ID, chat.StatusResolved, at); err != nil {
			t.Fatal(err)
		}
	}
	got, err := chat.Purge(ctx, st, dir, chat.RetentionPolicy{Resolved: 90 * 24 * time.Hour}, now)
	if err != nil {
		t.Fatal(err)
	}
	if got.Conversations != 1 || got.Files != 1 {
		t.Errorf("purged %+v, want one conversation and its file", got)
	}
	if _, err := dir.Get(ctx, keys["gone"]); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("the deleted conversation's file: %v, want gone", err)
	}
	if _, err := dir.Get(ctx, keys["kept"]); err != nil {
		t.Errorf("the kept conversation's file, the same content: %v", err)
	}
}
