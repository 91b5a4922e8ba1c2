package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

// Feedback's status and note change together or apart, with who and
// when; each change keeps what it does not name; a filter lists one
// status or category; and another site's feedback is out of reach.
func testFeedbackStatus(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	base := now()
	mk := func(site, category string, i int) *chat.Feedback {
		f := &chat.Feedback{Site: site, Category: category, Text: fmt.Sprintf("%s %d", category, i), CreatedAt: base.Add(time.Duration(i) * time.Second)}
		must(t, s.CreateFeedback(ctx, f))
		return f
	}
	bug, idea, praise := mk("acme", "bug", 1), mk("acme", "suggestion", 2), mk("acme", "praise", 3)
	other := mk("beta", "bug", 4)

	note := "下个版本修复"
	at := base.Add(time.Minute)
	got, err := s.UpdateFeedback(ctx, "acme", bug.ID, chat.FeedbackUpdate{Status: chat.FeedbackPlanned, Note: &note, By: "ann", ByName: "Ann", At: at})
	must(t, err)
	want := *bug
	want.Status, want.Note, want.UpdatedBy, want.UpdatedByName, want.UpdatedAt = chat.FeedbackPlanned, note, "ann", "Ann", at
	if d := diff(*got, want); d != "" {
		t.Errorf("UpdateFeedback returned (-want +got):\n%s", d)
	}
	stored, err := s.Feedback(ctx, "acme", bug.ID)
	must(t, err)
	if d := diff(*stored, want); d != "" {
		t.Errorf("Feedback after the update (-want +got):\n%s", d)
	}

	// A status alone keeps the note; a note alone, even an empty one,
	// keeps the status.
	at = at.Add(time.Minute)
	got, err = s.UpdateFeedback(ctx, "acme", bug.ID, chat.FeedbackUpdate{Status: chat.FeedbackDone, By: "bob", ByName: "Bob", At: at})
	must(t, err)
	if got.Status != chat.FeedbackDone || got.Note != note || got.UpdatedBy != "bob" || !got.UpdatedAt.Equal(at) {
		t.Errorf("after a status change: %+v", got)
	}
	empty := ""
	got, err = s.UpdateFeedback(ctx, "acme", bug.ID, chat.FeedbackUpdate{Note: &empty, By: "ann", ByName: "Ann", At: at})
	must(t, err)
	if got.Status != chat.FeedbackDone || got.Note != "" || got.UpdatedBy != "ann" {
		t.Errorf("after clearing the note: %+v", got)
	}
	_, err = s.UpdateFeedback(ctx, "acme", idea.ID, chat.FeedbackUpdate{Status: chat.FeedbackDeclined, By: "ann", At: at})
	must(t, err)

	ids := func(f chat.FeedbackFilter) []string {
		t.Helper()
		list, err := s.ListFeedback(ctx, f)
		must(t, err)
		var out []string
		for _, fb := range list {
			out = append(out, fb.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		filter chat.FeedbackFilter
		want   []string
	}{
		{"every status", chat.FeedbackFilter{Site: "acme"}, []string{praise.ID, idea.ID, bug.ID}},
		{"new", chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackNew}, []string{praise.ID}},
		{"done", chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackDone}, []string{bug.ID}},
		{"planned: none", chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackPlanned}, nil},
		{"category", chat.FeedbackFilter{Site: "acme", Category: "suggestion"}, []string{idea.ID}},
		{"status and category", chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackDone, Category: "bug"}, []string{bug.ID}},
		{"status and another category", chat.FeedbackFilter{Site: "acme", Status: chat.FeedbackDone, Category: "praise"}, nil},
		{"category, paged", chat.FeedbackFilter{Site: "acme", Category: "bug", Before: praise.CreatedAt, BeforeID: praise.ID}, []string{bug.ID}},
		{"another site's", chat.FeedbackFilter{Site: "beta", Status: chat.FeedbackNew}, []string{other.ID}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := diff(ids(tt.filter), tt.want); d != "" {
				t.Errorf("ListFeedback (-want +got):\n%s", d)
			}
		})
	}

	_, err = s.UpdateFeedback(ctx, "acme", other.ID, chat.FeedbackUpdate{Status: chat.FeedbackDone, By: "ann", At: at})
	wantCode(t, err, chat.CodeNotFound)
	_, err = s.Feedback(ctx, "acme", other.ID)
	wantCode(t, err, chat.CodeNotFound)
	_, err = s.UpdateFeedback(ctx, "acme", "nope", chat.FeedbackUpdate{Status: chat.FeedbackDone, By: "ann", At: at})
	wantCode(t, err, chat.CodeNotFound)
	if f, err := s.Feedback(ctx, "beta", other.ID); err != nil || f.Status != chat.FeedbackNew || f.UpdatedBy != "" {
		t.Errorf("beta's feedback after acme's tries: %+v, %v", f, err)
	}
}
