package store

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
)

func TestFeedback(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	base := now()
	var want []chat.Feedback // newest first
	for i := range 3 {
		f := &chat.Feedback{
			Site: "acme", VisitorID: "v1", Category: "suggestion", Text: "更多颜色",
			Lang: "zh", PageURL: "https://acme.example/", CreatedAt: base.Add(time.Duration(i) * time.Second),
		}
		must(t, s.CreateFeedback(ctx, f))
		want = append([]chat.Feedback{*f}, want...)
	}
	must(t, s.CreateFeedback(ctx, &chat.Feedback{Site: "beta", Text: "other site"}))

	tests := []struct {
		name  string
		site  string
		limit int
		want  []chat.Feedback
	}{
		{"all", "acme", 0, want},
		{"limit", "acme", 2, want[:2]},
		{"unknown site", "gamma", 10, []chat.Feedback{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListFeedback(ctx, tt.site, tt.limit)
			must(t, err)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ListFeedback = %+v\nwant %+v", got, tt.want)
			}
		})
	}
	wantCode(t, s.CreateFeedback(ctx, &chat.Feedback{ID: want[0].ID, Site: "acme"}), chat.CodeConflict)
}
