package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/terms"
)

// testSearch: conversations are found by their messages' words (a Chinese
// character, a pair, an English stem) and by their visitor's name, email
// and user id, a new identity included; only the site's own, newest match
// first, each once across pages; and no longer once retention deleted
// them.
func testSearch(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	search := func(site, q string, before int64, limit int) chat.SearchPage {
		t.Helper()
		p, err := s.SearchConversations(ctx, chat.SearchFilter{Site: site, Terms: terms.Query(q), Before: before, Limit: limit})
		must(t, err)
		return p
	}
	say := func(c *chat.Conversation, text string) {
		t.Helper()
		m := newMessage(c.Site, c.ID, fmt.Sprintf("m%d", time.Now().UnixNano()))
		m.Text = text
		_, err := s.AppendMessage(ctx, m)
		must(t, err)
	}
	visitor := func(site, name, email, user string) *chat.Visitor {
		v := &chat.Visitor{Site: site, Name: name, Email: email, UserID: user, CreatedAt: now(), LastSeenAt: now()}
		must(t, s.CreateVisitor(ctx, v))
		return v
	}

	v1 := visitor("acme", "王芳", "fang@example.com", "u-1001")
	pay := mustCreateConversation(t, s, "acme", v1.ID)
	say(pay, "我的充值还没有到账")
	v2 := visitor("acme", "", "", "")
	refund := mustCreateConversation(t, s, "acme", v2.ID)
	say(refund, "I was refunded twice, please check")
	say(refund, "退款")
	other := mustCreateConversation(t, s, "beta", visitor("beta", "王芳", "", "").ID)
	say(other, "充值 refund")

	for _, c := range []struct {
		q    string
		want []string
	}{
		{"充值", []string{pay.ID}},
		{"退", []string{refund.ID}},
		{"refunds", []string{refund.ID}},
		{"王芳", []string{pay.ID}},
		{"fang@example.com", []string{pay.ID}},
		{"u-1001", []string{pay.ID}},
		{"没到账", nil},
		{"nothing", nil},
	} {
		if got := search("acme", c.q, 0, 10).IDs; !slices.Equal(got, c.want) {
			t.Errorf("search %q = %v, want %v", c.q, got, c.want)
		}
	}

	// A new name is found from then on.
	v2.Name = "Ann Lee"
	must(t, s.UpdateVisitor(ctx, v2))
	if got := search("acme", "ann", 0, 10).IDs; !slices.Equal(got, []string{refund.ID}) {
		t.Errorf("search for a new name = %v, want %v", got, []string{refund.ID})
	}

	// Newest match first, each conversation once across pages.
	var ids []string
	for i := range 5 {
		c := mustCreateConversation(t, s, "acme", visitor("acme", "", "", "").ID)
		say(c, fmt.Sprintf("order %d shipped", i))
		ids = append(ids, c.ID)
	}
	say(&chat.Conversation{ID: ids[1], Site: "acme"}, "shipped again")
	want := []string{ids[1], ids[4], ids[3], ids[2], ids[0]}
	var got []string
	for before, pages := int64(0), 0; pages < 10; pages++ {
		p := search("acme", "shipping", before, 2)
		got = append(got, p.IDs...)
		if p.Next == 0 {
			break
		}
		before = p.Next
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages of 2 gave %v, want %v", got, want)
	}

	// Resolved and deleted by retention: no longer found.
	must(t, s.SetStatus(ctx, "acme", refund.ID, chat.StatusResolved, now().Add(-48*time.Hour)))
	if _, _, err := s.DeleteResolvedConversations(context.Background(), now().Add(-time.Hour), 100); err != nil {
		t.Fatal(err)
	}
	if got := search("acme", "退", 0, 10).IDs; len(got) != 0 {
		t.Errorf("a deleted conversation is still found: %v", got)
	}
	if _, err := s.SearchConversations(ctx, chat.SearchFilter{Site: "acme"}); !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("a search with no terms: %v, want invalid", err)
	}
}
