package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func testListVisitors(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	var want []string
	for i := range 7 {
		v := &chat.Visitor{ID: fmt.Sprintf("v%02d", 7-i), Site: "acme", CreatedAt: now(), LastSeenAt: now()}
		must(t, s.CreateVisitor(ctx, v))
		want = append(want, v.ID)
	}
	must(t, s.CreateVisitor(ctx, &chat.Visitor{ID: "other", Site: "beta", CreatedAt: now(), LastSeenAt: now()}))
	slices.Sort(want)
	var got []string
	for after := ""; ; {
		page, err := s.ListVisitors(ctx, "acme", after, 3)
		must(t, err)
		for _, v := range page {
			got = append(got, v.ID)
		}
		if len(page) < 3 {
			break
		}
		after = page[len(page)-1].ID
	}
	if d := diff(got, want); d != "" {
		t.Errorf("visitors paged by id (-want +got):\n%s", d)
	}
}

func testFeedbackPaging(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now()
	var want []string // newest first
	for i := range 7 {
		f := &chat.Feedback{ID: fmt.Sprintf("f%d", i), Site: "acme", Text: "x", CreatedAt: base.Add(time.Duration(i/2) * time.Second)}
		must(t, s.CreateFeedback(ctx, f))
		want = append([]string{f.ID}, want...)
	}
	var got []string
	f := chat.FeedbackFilter{Site: "acme", Limit: 2}
	for range 10 {
		page, err := s.ListFeedback(ctx, f)
		must(t, err)
		if len(page) == 0 {
			break
		}
		for _, fb := range page {
			got = append(got, fb.ID)
		}
		last := page[len(page)-1]
		f.Before, f.BeforeID = last.CreatedAt, last.ID
	}
	if d := diff(got, want); d != "" {
		t.Errorf("feedback paged newest first (-want +got):\n%s", d)
	}
}

func testRetention(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	old, recent := now().Add(-48*time.Hour), now()
	cut := now().Add(-24 * time.Hour)

	// Refresh tokens: the expired ones go, of any family.
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "expired", Family: "f", ExpiresAt: old}))
	must(t, s.CreateRefreshToken(ctx, &chat.RefreshToken{Hash: "valid", Family: "f", ExpiresAt: recent.Add(time.Hour)}))
	n, err := s.DeleteExpiredTokens(ctx, recent)
	must(t, err)
	if n != 1 {
		t.Errorf("deleted %d tokens, want 1", n)
	}
	_, err = s.RefreshToken(ctx, "expired")
	wantCode(t, err, chat.CodeNotFound)
	_, err = s.RefreshToken(ctx, "valid")
	must(t, err)

	// Visitors: only anonymous, idle ones with no conversation go.
	visitors := []struct {
		id, userID string
		seen       time.Time
		talked     bool
		kept       bool
	}{
		{"idle", "", old, false, false},
		{"recent", "", recent, false, true},
		{"verified", "u1", old, false, true},
		{"talked", "", old, true, true},
	}
	for _, v := range visitors {
		must(t, s.CreateVisitor(ctx, &chat.Visitor{ID: v.id, Site: "acme", UserID: v.userID, Verified: v.userID != "", CreatedAt: v.seen, LastSeenAt: v.seen}))
		if v.talked {
			c := mustCreateConversation(t, s, "acme", v.id)
			must(t, s.SetStatus(ctx, "acme", c.ID, chat.StatusResolved, recent))
		}
	}
	n, err = s.DeleteIdleVisitors(ctx, cut, 100)
	must(t, err)
	if n != 1 {
		t.Errorf("deleted %d visitors, want 1", n)
	}
	for _, v := range visitors {
		_, err := s.Visitor(ctx, "acme", v.id)
		if v.kept {
			must(t, err)
		} else {
			wantCode(t, err, chat.CodeNotFound)
		}
	}

	// Conversations: only resolved ones last changed before the cut go,
	// with their messages.
	convs := map[string]*chat.Conversation{}
	for _, name := range []string{"resolved-old", "resolved-recent", "open-old"} {
		c := &chat.Conversation{Site: "acme", VisitorID: name, CreatedAt: old, UpdatedAt: old}
		must(t, s.CreateConversation(ctx, c))
		m := newMessage("acme", c.ID, "m1")
		m.CreatedAt = old
		_, err := s.AppendMessage(ctx, m)
		must(t, err)
		convs[name] = c
	}
	// Files: the old resolved conversation's records go, and their keys
	// come back; the recent one's stay.
	file := func(conv, blob, thumb string) *chat.Attachment {
		a := &chat.Attachment{Site: "acme", ConversationID: convs[conv].ID, Uploader: chat.Author{Type: chat.AuthorVisitor, ID: conv},
			Name: blob, Type: "image/png", Blob: blob, Thumb: thumb, CreatedAt: old}
		must(t, s.CreateAttachment(ctx, a))
		return a
	}
	oldShot, _ := file("resolved-old", "blob-old-1", "thumb-old-1"), file("resolved-old", "blob-old-2", "")
	keep := file("resolved-recent", "blob-recent", "")
	must(t, s.SetStatus(ctx, "acme", convs["resolved-old"].ID, chat.StatusResolved, old))
	must(t, s.SetStatus(ctx, "acme", convs["resolved-recent"].ID, chat.StatusResolved, recent))
	// Batches: a limit of 1 takes one at a time.
	n, blobs, err := s.DeleteResolvedConversations(ctx, cut, 1)
	must(t, err)
	slices.Sort(blobs)
	if n != 1 || !slices.Equal(blobs, []string{"blob-old-1", "blob-old-2", "thumb-old-1"}) {
		t.Errorf("deleted %d conversations and files %v, want 1 and the old conversation's three keys", n, blobs)
	}
	n, blobs, err = s.DeleteResolvedConversations(ctx, cut, 1)
	must(t, err)
	if n != 0 || len(blobs) != 0 {
		t.Errorf("second pass deleted %d conversations and files %v, want none", n, blobs)
	}
	_, err = s.Attachment(ctx, "acme", oldShot.ID)
	wantCode(t, err, chat.CodeNotFound)
	_, err = s.Attachment(ctx, "acme", keep.ID)
	must(t, err)
	_, err = s.Conversation(ctx, "acme", convs["resolved-old"].ID)
	wantCode(t, err, chat.CodeNotFound)
	msgs, err := s.Messages(ctx, "acme", convs["resolved-old"].ID, 0, 10)
	if err == nil && len(msgs) > 0 {
		t.Errorf("a deleted conversation still has %d messages", len(msgs))
	}
	for _, name := range []string{"resolved-recent", "open-old"} {
		_, err := s.Conversation(ctx, "acme", convs[name].ID)
		must(t, err)
	}
}
