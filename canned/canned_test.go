package canned_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"testing"

	"github.com/kefu/kefu/canned"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

func TestShortcut(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" for invalid
	}{
		{"plain", "refund", "refund"},
		{"lowercased, slash and spaces dropped", " /Refund-2_b ", "refund-2_b"},
		{"Chinese", "退款", "退款"},
		{"Thai with its marks", "คืนเงิน", "คืนเงิน"},
		{"longest", strings.Repeat("a", canned.MaxShortcut), strings.Repeat("a", canned.MaxShortcut)},
		{"too long", strings.Repeat("a", canned.MaxShortcut+1), ""},
		{"empty", "  ", ""},
		{"slash alone", "/", ""},
		{"a space inside", "re fund", ""},
		{"punctuation", "refund!", ""},
		{"a second slash", "a/b", ""},
		{"invalid UTF-8", "re\xffund", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canned.Shortcut(tt.in)
			if tt.want == "" {
				if !chat.IsCode(err, chat.CodeInvalid) {
					t.Errorf("Shortcut(%q) = %q, %v; want invalid", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("Shortcut(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func newService(t *testing.T) (*canned.Service, *sqlite.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	ctx := context.Background()
	for _, s := range []*chat.Site{
		{Key: "acme", Name: "Acme", Widget: chat.WidgetSettings{Languages: []string{"zh-CN", "en"}}},
		{Key: "beta", Name: "Beta"}, // no languages named: any kefu speaks
	} {
		if err := st.CreateSite(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	return canned.New(st, nil), st
}

func actor(site string, role chat.Role) chat.Actor {
	return chat.Actor{Site: site, Agent: &chat.Agent{ID: string(role) + "-id", Name: string(role), Role: role, Sites: []string{site}}}
}

// A reply's language is one of its site's, or none; a taken shortcut
// names itself; agents read and may not write; and a list for a
// language has that language's replies and those for any.
func TestService(t *testing.T) {
	svc, _ := newService(t)
	ctx := context.Background()
	admin, agent := actor("acme", chat.RoleAdmin), actor("acme", chat.RoleAgent)

	zh, err := svc.Create(ctx, admin, canned.Input{Shortcut: "/Refund", Lang: "zh-cn", Text: "  您的退款已受理。\n三个工作日内到账。 "})
	if err != nil {
		t.Fatal(err)
	}
	if zh.Shortcut != "refund" || zh.Lang != "zh-CN" || zh.Text != "您的退款已受理。\n三个工作日内到账。" || zh.CreatedBy != "admin-id" || zh.UpdatedByName != "admin" {
		t.Errorf("created %+v", zh)
	}
	if _, err := svc.Create(ctx, admin, canned.Input{Shortcut: "refund", Text: "Any language"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Create(ctx, admin, canned.Input{Shortcut: "hello", Lang: "en", Text: "Hello!"}); err != nil {
		t.Fatal(err)
	}

	_, err = svc.Create(ctx, admin, canned.Input{Shortcut: "REFUND", Lang: "zh-CN", Text: "again"})
	if !chat.IsCode(err, chat.CodeConflict) || !strings.Contains(chat.ErrorMessage(err), "/refund is taken for zh-CN") {
		t.Errorf("a taken shortcut: %v", err)
	}
	_, err = svc.Create(ctx, admin, canned.Input{Shortcut: "hola", Lang: "es", Text: "Hola"})
	if !chat.IsCode(err, chat.CodeInvalid) || !strings.Contains(chat.ErrorMessage(err), "zh-CN, en") {
		t.Errorf("a language the site does not offer: %v, want invalid naming the site's", err)
	}
	if _, err := svc.Create(ctx, actor("beta", chat.RoleOwner), canned.Input{Shortcut: "hola", Lang: "es", Text: "Hola"}); err != nil {
		t.Errorf("a site that names no languages takes any kefu speaks: %v", err)
	}
	for _, in := range []canned.Input{{Shortcut: "x", Text: " "}, {Shortcut: "x", Text: strings.Repeat("字", chat.MaxTextRunes+1)}, {Shortcut: "a b", Text: "t"}} {
		if _, err := svc.Create(ctx, admin, in); !chat.IsCode(err, chat.CodeInvalid) {
			t.Errorf("create %.20q/%.20q: %v, want invalid", in.Shortcut, in.Text, err)
		}
	}

	// Agents read; writing needs an admin.
	list, err := svc.List(ctx, agent, "en")
	if err != nil {
		t.Fatal(err)
	}
	if got := keys(list); !slices.Equal(got, []string{"hello/en", "refund/"}) {
		t.Errorf("the list for en = %v, want en's and any language's", got)
	}
	if _, err := svc.List(ctx, agent, "klingon"); !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("a list for an unknown language: %v", err)
	}
	if _, err := svc.Create(ctx, agent, canned.Input{Shortcut: "mine", Text: "t"}); !chat.IsCode(err, chat.CodeForbidden) {
		t.Errorf("an agent creates: %v, want forbidden", err)
	}
	if _, err := svc.Update(ctx, agent, zh.ID, canned.Input{Shortcut: "mine", Text: "t"}); !chat.IsCode(err, chat.CodeForbidden) {
		t.Errorf("an agent edits: %v, want forbidden", err)
	}
	if err := svc.Delete(ctx, agent, zh.ID); !chat.IsCode(err, chat.CodeForbidden) {
		t.Errorf("an agent deletes: %v, want forbidden", err)
	}

	// An edit by another admin keeps the creator; another site's owner
	// does not find the reply.
	other := actor("acme", chat.RoleOwner)
	up, err := svc.Update(ctx, other, zh.ID, canned.Input{Shortcut: "tuikuan", Lang: "zh-CN", Text: "已退款"})
	if err != nil {
		t.Fatal(err)
	}
	if up.CreatedBy != "admin-id" || up.UpdatedBy != "owner-id" || up.Shortcut != "tuikuan" || !up.CreatedAt.Equal(zh.CreatedAt) {
		t.Errorf("after the edit: %+v", up)
	}
	beta := actor("beta", chat.RoleOwner)
	if _, err := svc.Update(ctx, beta, zh.ID, canned.Input{Shortcut: "x", Text: "t"}); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("another site's owner edits: %v, want not found", err)
	}
	if err := svc.Delete(ctx, beta, zh.ID); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("another site's owner deletes: %v, want not found", err)
	}
	if err := svc.Delete(ctx, other, zh.ID); err != nil {
		t.Fatal(err)
	}
	if list, _ := svc.List(ctx, agent, ""); !slices.Equal(keys(list), []string{"hello/en", "refund/"}) {
		t.Errorf("after the delete: %v", keys(list))
	}
}

// A site has at most MaxPerSite replies.
func TestMaxPerSite(t *testing.T) {
	svc, st := newService(t)
	ctx := context.Background()
	for i := range canned.MaxPerSite {
		c := &chat.Canned{Site: "acme", Shortcut: fmt.Sprintf("r%d", i), Text: "t"}
		if err := st.CreateCanned(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	_, err := svc.Create(ctx, actor("acme", chat.RoleAdmin), canned.Input{Shortcut: "one-more", Text: "t"})
	if !chat.IsCode(err, chat.CodeInvalid) || !strings.Contains(chat.ErrorMessage(err), "at most") {
		t.Errorf("reply %d: %v, want invalid", canned.MaxPerSite+1, err)
	}
	if list, err := svc.List(ctx, actor("acme", chat.RoleAgent), ""); err != nil || len(list) != canned.MaxPerSite {
		t.Errorf("the list holds %d, %v; want all %d", len(list), err, canned.MaxPerSite)
	}
}

func keys(list []chat.Canned) []string {
	var out []string
	for _, c := range list {
		out = append(out, c.Shortcut+"/"+c.Lang)
	}
	return out
}
