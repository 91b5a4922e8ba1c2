package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/kefu/kefu/chat"
)

func TestVisitors(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	anon1 := &chat.Visitor{Site: "acme", CreatedAt: now(), LastSeenAt: now()}
	anon2 := &chat.Visitor{Site: "acme", CreatedAt: now(), LastSeenAt: now()}
	known := &chat.Visitor{
		Site: "acme", UserID: "u1", Verified: true, Name: "Li", Email: "li@example.com",
		Attributes: map[string]string{"plan": "pro"}, CreatedAt: now(), LastSeenAt: now(),
	}
	// The same user id on another site is another person.
	otherSite := &chat.Visitor{Site: "beta", UserID: "u1", Verified: true, CreatedAt: now(), LastSeenAt: now()}
	for _, v := range []*chat.Visitor{anon1, anon2, known, otherSite} {
		must(t, s.CreateVisitor(ctx, v))
	}

	got, err := s.Visitor(ctx, "acme", known.ID)
	must(t, err)
	if !reflect.DeepEqual(got, known) {
		t.Errorf("Visitor = %+v\nwant %+v", got, known)
	}
	got, err = s.VisitorByUserID(ctx, "acme", "u1")
	must(t, err)
	if got.ID != known.ID {
		t.Errorf("VisitorByUserID(acme, u1) = %q, want %q", got.ID, known.ID)
	}
	got, err = s.VisitorByUserID(ctx, "beta", "u1")
	must(t, err)
	if got.ID != otherSite.ID {
		t.Errorf("VisitorByUserID(beta, u1) = %q, want %q", got.ID, otherSite.ID)
	}

	// An anonymous visitor logs in: it becomes verified.
	anon1.UserID, anon1.Verified, anon1.Name = "u2", true, "Wang"
	must(t, s.UpdateVisitor(ctx, anon1))
	got, err = s.VisitorByUserID(ctx, "acme", "u2")
	must(t, err)
	if got.ID != anon1.ID || got.Name != "Wang" {
		t.Errorf("after update: %+v", got)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate user id", s.CreateVisitor(ctx, &chat.Visitor{Site: "acme", UserID: "u1"}), chat.CodeConflict},
		{"duplicate id", s.CreateVisitor(ctx, &chat.Visitor{ID: anon2.ID, Site: "acme"}), chat.CodeConflict},
		{"update to taken user id", s.UpdateVisitor(ctx, &chat.Visitor{ID: anon2.ID, Site: "acme", UserID: "u1"}), chat.CodeConflict},
		{"no site", s.CreateVisitor(ctx, &chat.Visitor{}), chat.CodeInvalid},
		{"missing", func() error { _, err := s.Visitor(ctx, "acme", "nope"); return err }(), chat.CodeNotFound},
		{"missing user id", func() error { _, err := s.VisitorByUserID(ctx, "acme", "u9"); return err }(), chat.CodeNotFound},
		{"empty user id", func() error { _, err := s.VisitorByUserID(ctx, "acme", ""); return err }(), chat.CodeNotFound},
		{"update other site's visitor", s.UpdateVisitor(ctx, &chat.Visitor{ID: otherSite.ID, Site: "acme"}), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	// The failed cross-site update changed nothing.
	got, err = s.Visitor(ctx, "beta", otherSite.ID)
	must(t, err)
	if got.UserID != "u1" {
		t.Errorf("other site's visitor changed: %+v", got)
	}
}
