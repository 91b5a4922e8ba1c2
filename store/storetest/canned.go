package storetest

import (
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// Canned replies come back as stored and list by shortcut, then
// language; a shortcut is taken once per site and language, by a create
// or by an edit; an edit keeps who created the reply; and another site's
// replies cannot be read, changed or deleted.
func testCanned(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	at := now()
	mk := func(site, shortcut, lang string) *chat.Canned {
		t.Helper()
		c := &chat.Canned{Site: site, Shortcut: shortcut, Lang: lang, Text: "text of " + shortcut + " " + lang,
			CreatedBy: "ann", CreatedAt: at, UpdatedBy: "ann", UpdatedByName: "Ann", UpdatedAt: at}
		must(t, s.CreateCanned(ctx, c))
		if c.ID == "" {
			t.Fatal("CreateCanned gave no id")
		}
		return c
	}
	refundZH := mk("acme", "refund", "zh-CN")
	mk("acme", "退款", "")
	hello := mk("acme", "hello", "")
	refundEN := mk("acme", "refund", "en")
	refundAny := mk("acme", "refund", "")
	beta := mk("beta", "refund", "zh-CN") // the same shortcut on another site

	got, err := s.Canned(ctx, "acme", refundZH.ID)
	must(t, err)
	if d := diff(*got, *refundZH); d != "" {
		t.Errorf("Canned (-want +got):\n%s", d)
	}
	list, err := s.ListCanned(ctx, "acme", 100)
	must(t, err)
	// By shortcut (byte order, so Chinese after ASCII), then language.
	want := []string{"hello/", "refund/", "refund/en", "refund/zh-CN", "退款/"}
	if got := cannedKeys(list); diff(got, want) != "" {
		t.Errorf("ListCanned = %v, want %v", got, want)
	}
	if d := diff(list[0], *hello); d != "" {
		t.Errorf("the listed reply (-want +got):\n%s", d)
	}
	if page, err := s.ListCanned(ctx, "acme", 2); err != nil || len(page) != 2 || page[1].ID != refundAny.ID {
		t.Errorf("ListCanned with limit 2 = %v, %v; want hello and refund", cannedKeys(page), err)
	}
	if n, err := s.CountCanned(ctx, "acme"); err != nil || n != 5 {
		t.Errorf("CountCanned(acme) = %d, %v; want 5", n, err)
	}

	// Taken: the same shortcut and language, by a create or an edit.
	wantCode(t, s.CreateCanned(ctx, &chat.Canned{Site: "acme", Shortcut: "refund", Lang: "en", Text: "again", CreatedAt: at, UpdatedAt: at}), chat.CodeConflict)
	clash := *refundEN
	clash.Lang = "zh-CN"
	wantCode(t, s.UpdateCanned(ctx, &clash), chat.CodeConflict)

	// An edit changes what it names and keeps its creator.
	later := at.Add(time.Minute)
	edit := chat.Canned{ID: refundEN.ID, Site: "acme", Shortcut: "refund-en", Lang: "en", Text: "Your refund is on its way.",
		CreatedBy: "mallory", CreatedAt: later, UpdatedBy: "bob", UpdatedByName: "Bob", UpdatedAt: later}
	must(t, s.UpdateCanned(ctx, &edit))
	got, err = s.Canned(ctx, "acme", refundEN.ID)
	must(t, err)
	wantEdit := edit
	wantEdit.CreatedBy, wantEdit.CreatedAt = "ann", at
	if d := diff(*got, wantEdit); d != "" {
		t.Errorf("after the edit (-want +got):\n%s", d)
	}

	// Another site's reply is not found, and stays as it was.
	_, err = s.Canned(ctx, "acme", beta.ID)
	wantCode(t, err, chat.CodeNotFound)
	steal := *beta
	steal.Site, steal.Text = "acme", "changed by acme"
	wantCode(t, s.UpdateCanned(ctx, &steal), chat.CodeNotFound)
	wantCode(t, s.DeleteCanned(ctx, "acme", beta.ID), chat.CodeNotFound)
	got, err = s.Canned(ctx, "beta", beta.ID)
	must(t, err)
	if d := diff(*got, *beta); d != "" {
		t.Errorf("beta's reply after acme's attempts (-want +got):\n%s", d)
	}
	if list, err := s.ListCanned(ctx, "beta", 100); err != nil || len(list) != 1 {
		t.Errorf("ListCanned(beta) = %v, %v; want its one reply", cannedKeys(list), err)
	}

	must(t, s.DeleteCanned(ctx, "acme", hello.ID))
	_, err = s.Canned(ctx, "acme", hello.ID)
	wantCode(t, err, chat.CodeNotFound)
	wantCode(t, s.DeleteCanned(ctx, "acme", hello.ID), chat.CodeNotFound)
	// A deleted shortcut is free again.
	mk("acme", "hello", "")
	if n, err := s.CountCanned(ctx, "acme"); err != nil || n != 5 {
		t.Errorf("CountCanned(acme) after a delete and a create = %d, %v; want 5", n, err)
	}
}

func cannedKeys(list []chat.Canned) []string {
	out := []string{}
	for _, c := range list {
		out = append(out, c.Shortcut+"/"+c.Lang)
	}
	return out
}
