package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// Uploads never sent go once they are old, a batch at a time; sent ones,
// and recent ones, stay. A file's content is unrecorded once no record
// names it, as content or thumbnail.
func testLeftovers(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	old, cut := now().Add(-48*time.Hour), now().Add(-24*time.Hour)
	c := mustCreateConversation(t, s, "acme", "v1")
	other := mustCreateConversation(t, s, "beta", "v2")
	file := func(site, conv, blob, thumb string, at time.Time) *chat.Attachment {
		a := &chat.Attachment{Site: site, ConversationID: conv, Uploader: chat.Author{Type: chat.AuthorVisitor, ID: "v1"},
			Name: blob, Type: "image/png", Blob: blob, Thumb: thumb, CreatedAt: at}
		must(t, s.CreateAttachment(ctx, a))
		return a
	}
	sent := file("acme", c.ID, "k-sent", "k-sent-thumb", old)
	// The same content uploaded twice: one record is sent, one is not.
	twin := file("acme", c.ID, "k-sent", "", old)
	recent := file("acme", c.ID, "k-recent", "", now())
	var unsent []*chat.Attachment
	for i := range 3 {
		unsent = append(unsent, file("acme", c.ID, fmt.Sprintf("k-unsent-%d", i), fmt.Sprintf("k-unsent-%d-thumb", i), old))
	}
	otherSent := file("beta", other.ID, "k-beta", "", old)
	for i, ids := range [][]string{nil, {sent.ID}, nil} {
		m := newMessage("acme", c.ID, fmt.Sprint("m", i))
		m.Attachments = ids
		_, err := s.AppendMessage(ctx, m)
		must(t, err)
	}
	m := newMessage("beta", other.ID, "b1")
	m.Attachments = []string{otherSent.ID}
	_, err := s.AppendMessage(ctx, m)
	must(t, err)

	n, err := s.DeleteUnsentAttachments(ctx, cut, 3)
	must(t, err)
	if n != 3 {
		t.Errorf("first batch of 3 deleted %d", n)
	}
	n, err = s.DeleteUnsentAttachments(ctx, cut, 3)
	must(t, err)
	if n != 1 {
		t.Errorf("second batch deleted %d, want the one left", n)
	}
	n, err = s.DeleteUnsentAttachments(ctx, cut, 3)
	must(t, err)
	if n != 0 {
		t.Errorf("third batch deleted %d, want none", n)
	}
	for _, a := range append([]*chat.Attachment{twin}, unsent...) {
		_, err := s.Attachment(ctx, a.Site, a.ID)
		wantCode(t, err, chat.CodeNotFound)
	}
	for _, a := range []*chat.Attachment{sent, recent, otherSent} {
		_, err := s.Attachment(ctx, a.Site, a.ID)
		must(t, err)
	}

	keys := []string{"k-unsent-0", "k-sent", "k-sent-thumb", "k-unsent-1-thumb", "k-recent", "nobody's", "k-beta"}
	got, err := s.UnrecordedBlobs(ctx, keys)
	must(t, err)
	if d := diff(got, []string{"k-unsent-0", "k-unsent-1-thumb", "nobody's"}); d != "" {
		t.Errorf("UnrecordedBlobs (-want +got):\n%s", d)
	}
	got, err = s.UnrecordedBlobs(ctx, nil)
	must(t, err)
	if len(got) != 0 {
		t.Errorf("UnrecordedBlobs(nil) = %v", got)
	}
}
