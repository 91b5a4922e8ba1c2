package storetest

import (
	"testing"

	"github.com/kefu/kefu/chat"
)

// SetFAQOrder writes the order alone: an entry edited since it was read
// keeps its edit, an entry deleted since stays deleted, and another
// site's entry of the same id is untouched.
func testSetFAQOrder(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := ctxT(t)
	for _, f := range []chat.FAQ{
		{ID: "a", Site: "acme", Lang: "en", Category: "c", Question: "A?", Answer: "a", Published: true, Order: 10, UpdatedAt: now()},
		{ID: "b", Site: "acme", Lang: "en", Category: "c", Question: "B?", Answer: "b", Published: true, Order: 20, UpdatedAt: now()},
		{ID: "gone", Site: "acme", Lang: "en", Category: "c", Question: "Gone?", Answer: "g", Order: 30, UpdatedAt: now()},
		{ID: "a", Site: "beta", Lang: "en", Category: "c", Question: "Beta A?", Answer: "x", Order: 10, UpdatedAt: now()},
	} {
		must(t, s.SaveFAQ(ctx, &f))
	}
	edited := chat.FAQ{ID: "b", Site: "acme", Lang: "en", Category: "c", Question: "B, edited?", Answer: "b2", Published: false, Order: 20, UpdatedAt: now()}
	must(t, s.SaveFAQ(ctx, &edited))
	must(t, s.DeleteFAQ(ctx, "acme", "gone"))

	must(t, s.SetFAQOrder(ctx, "acme", map[string]int{"a": 20, "b": 10, "gone": 30}))
	list, err := s.ListFAQ(ctx, "acme", "", nil, 10)
	must(t, err)
	if len(list) != 2 || list[0].ID != "b" || list[0].Order != 10 || list[1].ID != "a" || list[1].Order != 20 {
		t.Fatalf("after the new order: %+v; want b (10), then a (20), and no deleted entry", list)
	}
	if list[0].Question != "B, edited?" || list[0].Answer != "b2" || list[0].Published {
		t.Errorf("the order undid an edit: %+v", list[0])
	}
	beta, err := s.FAQ(ctx, "beta", "a")
	must(t, err)
	if beta.Order != 10 {
		t.Errorf("another site's entry a has order %d, want 10", beta.Order)
	}
}
