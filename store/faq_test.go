package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/kefu/kefu/chat"
)

func TestFAQ(t *testing.T) {
	s := mustOpenStore(t)
	ctx := context.Background()
	refund := &chat.FAQ{
		Site: "acme", Lang: "zh", Category: "账单", Question: "怎么退款？", Answer: "在订单页申请。",
		Alternatives: []string{"退款"}, Published: true, Order: 2, UpdatedAt: now(),
	}
	must(t, s.SaveFAQ(ctx, refund))
	if refund.ID == "" {
		t.Fatal("SaveFAQ left the id empty")
	}
	// Another site may use the same id.
	must(t, s.SaveFAQ(ctx, &chat.FAQ{ID: refund.ID, Site: "beta", Question: "beta's"}))
	must(t, s.SaveFAQs(ctx, "acme", []chat.FAQ{
		{ID: "hours", Question: "营业时间？", Order: 1},
		{ID: "ship", Question: "Shipping?", Order: 3},
	}))

	got, err := s.FAQ(ctx, "acme", refund.ID)
	must(t, err)
	if !reflect.DeepEqual(got, refund) {
		t.Errorf("FAQ = %+v\nwant %+v", got, refund)
	}
	list, err := s.ListFAQ(ctx, "acme")
	must(t, err)
	var ids []string
	for _, f := range list {
		ids = append(ids, f.ID)
	}
	if want := []string{"hours", refund.ID, "ship"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("ListFAQ ids = %v, want %v (by order)", ids, want)
	}

	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, false))
	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, false))
	must(t, s.CountFAQEvent(ctx, "acme", refund.ID, true))
	// Saving an edit keeps the counters, whatever the editor's copy says.
	refund.Answer = "联系客服。"
	must(t, s.SaveFAQ(ctx, refund))
	got, err = s.FAQ(ctx, "acme", refund.ID)
	must(t, err)
	if got.Views != 2 || got.Solved != 1 || got.Answer != "联系客服。" {
		t.Errorf("after counts and edit: views %d solved %d answer %q", got.Views, got.Solved, got.Answer)
	}

	must(t, s.DeleteFAQ(ctx, "acme", "ship"))
	tests := []struct {
		name string
		err  error
		want chat.Code
	}{
		{"deleted", func() error { _, err := s.FAQ(ctx, "acme", "ship"); return err }(), chat.CodeNotFound},
		{"delete again", s.DeleteFAQ(ctx, "acme", "ship"), chat.CodeNotFound},
		{"count missing", s.CountFAQEvent(ctx, "acme", "ship", false), chat.CodeNotFound},
		{"no site", s.SaveFAQ(ctx, &chat.FAQ{ID: "x"}), chat.CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantCode(t, tt.err, tt.want) })
	}
	other, err := s.FAQ(ctx, "beta", refund.ID)
	must(t, err)
	if other.Question != "beta's" || other.Views != 0 {
		t.Errorf("beta's entry = %+v", other)
	}
}
