package chat_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// mustOpenStore opens the embedded store in a temporary folder, closed
// when the test ends.
func mustOpenStore(t *testing.T) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), sqlite.Config{DataDir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestUpdateFeedback runs the feedback workflow on the embedded store:
// admins and owners set a status and a note, agents may not, another
// site's feedback is not found for any role, bad input is refused, and
// each change records who made it and when.
func TestUpdateFeedback(t *testing.T) {
	ctx := context.Background()
	st := mustOpenStore(t)
	clock := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	svc := chat.NewService(st, bus.NewLocal(), func() time.Time { return clock }, nil)
	as := func(site string, role chat.Role) chat.Actor {
		return chat.Actor{Site: site, Agent: &chat.Agent{ID: site + "-" + string(role), Name: "Ann " + string(role), Role: role, Sites: []string{site}}}
	}
	mk := func(site string) string {
		f, err := chat.NewFeedback(site, "v1", "bug", "the button is broken", "", "en", "", clock)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		return f.ID
	}
	mine, theirs := mk("acme"), mk("beta")
	str := func(s string) *string { return &s }

	tests := []struct {
		name   string
		actor  chat.Actor
		id     string
		change chat.FeedbackChange
		code   chat.Code // "" for success
	}{
		{"agent", as("acme", chat.RoleAgent), mine, chat.FeedbackChange{Status: str("planned")}, chat.CodeForbidden},
		{"agent, another site's", as("acme", chat.RoleAgent), theirs, chat.FeedbackChange{Status: str("planned")}, chat.CodeNotFound},
		{"owner, another site's", as("acme", chat.RoleOwner), theirs, chat.FeedbackChange{Status: str("planned")}, chat.CodeNotFound},
		{"owner of another site", as("beta", chat.RoleOwner), mine, chat.FeedbackChange{Status: str("planned")}, chat.CodeNotFound},
		{"unknown id", as("acme", chat.RoleOwner), "nope", chat.FeedbackChange{Status: str("planned")}, chat.CodeNotFound},
		{"bad id", as("acme", chat.RoleOwner), "../x", chat.FeedbackChange{Status: str("planned")}, chat.CodeNotFound},
		{"bad status", as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{Status: str("closed")}, chat.CodeInvalid},
		{"empty status", as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{Status: str("")}, chat.CodeInvalid},
		{"nothing", as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{}, chat.CodeInvalid},
		{"long note", as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{Note: str(strings.Repeat("字", chat.MaxFeedbackNoteRunes+1))}, chat.CodeInvalid},
		{"admin", as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{Status: str("planned"), Note: str("  next release  ")}, ""},
		{"owner, note at the limit", as("acme", chat.RoleOwner), mine, chat.FeedbackChange{Note: str(strings.Repeat("字", chat.MaxFeedbackNoteRunes))}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := svc.UpdateFeedback(ctx, tt.actor, tt.id, tt.change)
			if got := chat.ErrorCode(err); tt.code != "" && got != tt.code || tt.code == "" && err != nil {
				t.Fatalf("UpdateFeedback = %v, want code %q", err, tt.code)
			}
		})
	}

	// What the two allowed changes left: the admin's status, the owner's
	// note, and the owner as the last to change it.
	f, err := st.Feedback(ctx, "acme", mine)
	if err != nil {
		t.Fatal(err)
	}
	if f.Status != chat.FeedbackPlanned || f.Note != strings.Repeat("字", chat.MaxFeedbackNoteRunes) ||
		f.UpdatedBy != "acme-owner" || f.UpdatedByName != "Ann owner" || !f.UpdatedAt.Equal(clock) {
		t.Errorf("stored feedback = %+v", f)
	}
	if f, err := st.Feedback(ctx, "beta", theirs); err != nil || f.Status != chat.FeedbackNew || f.UpdatedBy != "" {
		t.Errorf("beta's feedback = %+v, %v; want it untouched", f, err)
	}

	got, err := svc.UpdateFeedback(ctx, as("acme", chat.RoleAdmin), mine, chat.FeedbackChange{Note: str("  trimmed  ")})
	if err != nil || got.Note != "trimmed" || got.Status != chat.FeedbackPlanned {
		t.Errorf("a note alone: %+v, %v; want it trimmed and the status kept", got, err)
	}
}

// TestFeedbackFilters lists feedback by status and category, refuses
// unknown ones, and keeps agents out.
func TestFeedbackFilters(t *testing.T) {
	ctx := context.Background()
	st := mustOpenStore(t)
	svc := chat.NewService(st, bus.NewLocal(), nil, nil)
	admin := chat.Actor{Site: "acme", Agent: &chat.Agent{ID: "a", Role: chat.RoleAdmin, Sites: []string{"acme"}}}
	for i, c := range []string{"bug", "praise", "bug"} {
		f, err := chat.NewFeedback("acme", "v1", c, "text", "", "en", "", time.Now().Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.CreateFeedback(ctx, f); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := svc.UpdateFeedback(ctx, admin, f.ID, chat.FeedbackChange{Status: new(string("done"))}); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name   string
		actor  chat.Actor
		filter chat.FeedbackFilter
		n      int
		code   chat.Code
	}{
		{"all", admin, chat.FeedbackFilter{}, 3, ""},
		{"bugs", admin, chat.FeedbackFilter{Category: "bug"}, 2, ""},
		{"new bugs", admin, chat.FeedbackFilter{Category: "bug", Status: chat.FeedbackNew}, 1, ""},
		{"done", admin, chat.FeedbackFilter{Status: chat.FeedbackDone}, 1, ""},
		{"another site is not asked", admin, chat.FeedbackFilter{Site: "beta"}, 3, ""},
		{"bad status", admin, chat.FeedbackFilter{Status: "open"}, 0, chat.CodeInvalid},
		{"bad category", admin, chat.FeedbackFilter{Category: "rant"}, 0, chat.CodeInvalid},
		{"agent", chat.Actor{Site: "acme", Agent: &chat.Agent{ID: "g", Role: chat.RoleAgent, Sites: []string{"acme"}}}, chat.FeedbackFilter{}, 0, chat.CodeForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := svc.Feedback(ctx, tt.actor, tt.filter)
			if chat.ErrorCode(err) != tt.code && (tt.code != "" || err != nil) {
				t.Fatalf("Feedback = %v, want code %q", err, tt.code)
			}
			if len(list) != tt.n {
				t.Errorf("Feedback listed %d, want %d", len(list), tt.n)
			}
		})
	}
}
