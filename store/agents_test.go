package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/kefu/kefu/chat"
)

func TestAgents(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	ann := &chat.Agent{
		Email: "Ann@Example.com", Name: "Ann", PasswordHash: "h1",
		Role: chat.RoleOwner, Sites: []string{"acme", "beta"}, TOTPSecret: "totp", CreatedAt: now(),
	}
	bob := &chat.Agent{Email: "bob@example.com", Name: "Bob", Role: chat.RoleAgent, Sites: []string{"beta"}, CreatedAt: now()}
	must(t, s.CreateAgent(ctx, ann))
	must(t, s.CreateAgent(ctx, bob))
	if ann.ID == "" {
		t.Fatal("CreateAgent left the id empty")
	}

	got, err := s.Agent(ctx, ann.ID)
	must(t, err)
	if !reflect.DeepEqual(got, ann) {
		t.Errorf("Agent = %+v\nwant %+v", got, ann)
	}
	got, err = s.AgentByEmail(ctx, " ann@example.COM")
	must(t, err)
	if got.ID != ann.ID {
		t.Errorf("AgentByEmail found %q, want %q", got.ID, ann.ID)
	}

	list, err := s.ListAgents(ctx, "beta")
	must(t, err)
	if len(list) != 2 || list[0].Name != "Ann" || list[1].Name != "Bob" {
		t.Errorf("ListAgents(beta) = %+v, want Ann and Bob", list)
	}
	list, err = s.ListAgents(ctx, "acme")
	must(t, err)
	if len(list) != 1 || list[0].ID != ann.ID {
		t.Errorf("ListAgents(acme) = %+v, want Ann only", list)
	}

	ann.Name = "Ann Lee"
	ann.Sites = []string{"acme"}
	must(t, s.UpdateAgent(ctx, ann))
	got, err = s.Agent(ctx, ann.ID)
	must(t, err)
	if got.Name != "Ann Lee" || !reflect.DeepEqual(got.Sites, []string{"acme"}) {
		t.Errorf("after update: %+v", got)
	}

	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"duplicate email", s.CreateAgent(ctx, &chat.Agent{Email: "bob@example.com"}), chat.CodeConflict},
		{"duplicate email other case", s.CreateAgent(ctx, &chat.Agent{Email: "BOB@example.com"}), chat.CodeConflict},
		{"update to taken email", s.UpdateAgent(ctx, &chat.Agent{ID: ann.ID, Email: "bob@example.com"}), chat.CodeConflict},
		{"duplicate id", s.CreateAgent(ctx, &chat.Agent{ID: bob.ID, Email: "new@example.com"}), chat.CodeConflict},
		{"no email", s.CreateAgent(ctx, &chat.Agent{}), chat.CodeInvalid},
		{"missing agent", func() error { _, err := s.Agent(ctx, "nope"); return err }(), chat.CodeNotFound},
		{"missing email", func() error { _, err := s.AgentByEmail(ctx, "x@example.com"); return err }(), chat.CodeNotFound},
		{"update missing agent", s.UpdateAgent(ctx, &chat.Agent{ID: "nope", Email: "z@example.com"}), chat.CodeNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
}
