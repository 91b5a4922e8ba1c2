package storetest

import (
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// An attachment's record comes back as stored; a conversation lists its
// own, oldest first; another site's is not found.
func testAttachments(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now()
	mk := func(site, conv, name string, at time.Duration) *chat.Attachment {
		a := &chat.Attachment{Site: site, ConversationID: conv, Uploader: chat.Author{Type: chat.AuthorVisitor, ID: "v1"},
			Name: name, Type: "image/png", Size: 1234, Blob: "b-" + name, Thumb: "t-" + name, ThumbType: "image/png", Width: 640, Height: 480,
			CreatedAt: base.Add(at)}
		must(t, s.CreateAttachment(ctx, a))
		if a.ID == "" {
			t.Fatal("CreateAttachment gave no id")
		}
		return a
	}
	second := mk("acme", "c1", "截图2.png", 2*time.Second)
	first := mk("acme", "c1", "截图1.png", time.Second)
	pdf := &chat.Attachment{Site: "acme", ConversationID: "c1", Uploader: chat.Author{Type: chat.AuthorAgent, ID: "ann"},
		Name: "invoice.pdf", Type: "application/pdf", Size: 99, Blob: "b-pdf", CreatedAt: base.Add(3 * time.Second)}
	must(t, s.CreateAttachment(ctx, pdf))
	mk("acme", "c2", "other.png", 0)
	beta := mk("beta", "c1", "beta.png", 0)

	got, err := s.Attachment(ctx, "acme", first.ID)
	must(t, err)
	if d := diff(*got, *first); d != "" {
		t.Errorf("Attachment (-want +got):\n%s", d)
	}
	list, err := s.ConversationAttachments(ctx, "acme", "c1")
	must(t, err)
	if len(list) != 3 || list[0].ID != first.ID || list[1].ID != second.ID || list[2].ID != pdf.ID {
		t.Errorf("ConversationAttachments = %+v; want the first, the second, then the PDF", list)
	}
	if d := diff(list[2], *pdf); d != "" {
		t.Errorf("the PDF (-want +got):\n%s", d)
	}
	_, err = s.Attachment(ctx, "acme", beta.ID)
	wantCode(t, err, chat.CodeNotFound)
	wantCode(t, s.CreateAttachment(ctx, &chat.Attachment{Site: "acme", ConversationID: "c1"}), chat.CodeInvalid)
}
