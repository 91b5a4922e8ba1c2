package sqlite

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// On a full disk a write is "unavailable" (the client resends), Ping says
// so, nothing acknowledged is lost, and everything works again once there
// is space. The disk is a small tmpfs, which needs root (as CI has).
func TestFullDiskIsUnavailableThenRecovers(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("mounting a small file system needs root; CI runs as root")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", dir).Run() })
	ctx := context.Background()
	s, err := Open(ctx, Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	c := &chat.Conversation{Site: "acme", VisitorID: "v", CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if err := s.CreateConversation(ctx, c); err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("满", 1000)
	var acked int64
	var full error
	for i := range 2000 {
		m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: fmt.Sprint("m", i), Text: text,
			Author: chat.Author{Type: chat.AuthorVisitor}, CreatedAt: time.Now()}
		if _, err := s.AppendMessage(ctx, m); err != nil {
			full = err
			break
		}
		acked = m.Seq
	}
	if full == nil {
		t.Fatal("2 MB never filled up")
	}
	if chat.ErrorCode(full) != chat.CodeUnavailable {
		t.Fatalf("append on a full disk = %v (code %s), want unavailable", full, chat.ErrorCode(full))
	}
	if err := s.Ping(ctx); chat.ErrorCode(err) != chat.CodeUnavailable {
		t.Fatalf("Ping on a full disk = %v, want unavailable", err)
	}

	if out, err := exec.Command("mount", "-o", "remount,size=16m", dir).CombinedOutput(); err != nil {
		t.Fatalf("grow the tmpfs: %v %s", err, out)
	}
	if err := s.Ping(ctx); err != nil {
		t.Fatalf("Ping once there is space: %v", err)
	}
	m := &chat.Message{Site: "acme", ConversationID: c.ID, ClientID: "after", Text: "有空间了",
		Author: chat.Author{Type: chat.AuthorVisitor}, CreatedAt: time.Now()}
	if _, err := s.AppendMessage(ctx, m); err != nil {
		t.Fatalf("append once there is space: %v", err)
	}
	if m.Seq != acked+1 {
		t.Fatalf("the next message got seq %d after %d acked ones", m.Seq, acked)
	}
	msgs, err := s.Messages(ctx, "acme", c.ID, acked-1, 10)
	if err != nil || len(msgs) != 2 || msgs[0].Seq != acked || msgs[1].ClientID != "after" {
		t.Fatalf("messages around the full disk: %+v, %v", msgs, err)
	}
}
