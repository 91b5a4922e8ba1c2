package chat_test

import (
	"time"

	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/chat"
)

// TestFAQAdminRolesAndImport runs the FAQ's use cases on the embedded
// store: agents read, admins and owners change; another site's entry is
// not found for any role; an import of the same file twice adds nothing;
// and every change is announced on the bus.
func TestFAQAdminRolesAndImport(t *testing.T) {
	ctx := context.Background()
	st := mustOpenStore(t)
	b := bus.NewLocal()
	var mu sync.Mutex
	var events []chat.Event
	if _, err := b.Subscribe(chat.FAQSubject, func(data []byte) {
		var e chat.Event
		_ = json.Unmarshal(data, &e)
		mu.Lock()
		events = append(events, e)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	svc := chat.NewFAQAdmin(st, b, nil, nil)
	as := func(role chat.Role) chat.Actor {
		return chat.Actor{Site: "acme", Agent: &chat.Agent{ID: string(role), Role: role, Sites: []string{"acme"}}}
	}
	entry := func() *chat.FAQ {
		return &chat.FAQ{Lang: "en", Category: "pay", Question: "How do I pay?", Answer: "By card.", Published: true}
	}

	if err := svc.Create(ctx, as(chat.RoleAgent), entry()); !chat.IsCode(err, chat.CodeForbidden) {
		t.Fatalf("an agent's create = %v, want forbidden", err)
	}
	f := entry()
	if err := svc.Create(ctx, as(chat.RoleAdmin), f); err != nil {
		t.Fatal(err)
	}
	if got, err := svc.Get(ctx, as(chat.RoleAgent), f.ID); err != nil || got.Question != "How do I pay?" {
		t.Fatalf("an agent reads %+v, %v", got, err)
	}
	f.Answer = "By card or bank transfer."
	if err := svc.Update(ctx, as(chat.RoleAgent), f); !chat.IsCode(err, chat.CodeForbidden) {
		t.Fatalf("an agent's update = %v, want forbidden", err)
	}
	other := chat.Actor{Site: "beta", Agent: &chat.Agent{ID: "o", Role: chat.RoleOwner, Sites: []string{"beta"}}}
	if err := svc.Delete(ctx, other, f.ID); !chat.IsCode(err, chat.CodeNotFound) {
		t.Fatalf("another site's owner deletes: %v, want not found", err)
	}
	if _, err := svc.Export(ctx, as(chat.RoleAgent)); !chat.IsCode(err, chat.CodeForbidden) {
		t.Fatalf("an agent's export = %v, want forbidden", err)
	}

	// The same question without an id is the same entry, twice over.
	for range 2 {
		if err := svc.Import(ctx, as(chat.RoleOwner), []chat.FAQ{{Lang: "en", Category: "pay", Question: "how do  I PAY?", Answer: "Card."}}); err != nil {
			t.Fatal(err)
		}
	}
	all, err := svc.Export(ctx, as(chat.RoleOwner))
	if err != nil || len(all) != 1 || all[0].ID != f.ID || all[0].Answer != "Card." {
		t.Fatalf("after importing the same question twice: %+v, %v; want the one entry, updated", all, err)
	}
	if err := svc.Delete(ctx, as(chat.RoleAdmin), f.ID); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	// create, two imports (whole site), delete
	if len(events) != 4 || events[0].FAQ == nil || events[1].FAQ != nil || !events[3].Deleted {
		t.Errorf("announced %d events %+v, want create, import, import, delete", len(events), events)
	}
}

// TestFAQMoveNumbersTheLanguageAgain moves entries that share an order:
// the moved one takes its neighbour's place, the language is numbered
// OrderStep apart, another language keeps its orders, and counts stay.
func TestFAQMoveNumbersTheLanguageAgain(t *testing.T) {
	ctx := context.Background()
	st := mustOpenStore(t)
	svc := chat.NewFAQAdmin(st, bus.NewLocal(), nil, nil)
	admin := chat.Actor{Site: "acme", Agent: &chat.Agent{ID: "ad", Role: chat.RoleAdmin, Sites: []string{"acme"}}}
	entry := func(id, lang string) chat.FAQ {
		return chat.FAQ{ID: id, Lang: lang, Category: "c", Question: "Q " + id, Answer: "A", Published: true}
	}
	// All at order 0: only the id tells them apart.
	if err := st.SaveFAQs(ctx, "acme", []chat.FAQ{entry("a", "en"), entry("b", "en"), entry("c", "en"), entry("ab", "zh-CN")}); err != nil {
		t.Fatal(err)
	}
	if err := st.CountFAQEvent(ctx, "acme", "b", true, time.Now()); err != nil {
		t.Fatal(err)
	}
	order := func(lang string) []string {
		list, err := svc.List(ctx, admin, lang, nil, 10)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, f := range list {
			out = append(out, fmt.Sprintf("%s:%d", f.ID, f.Order))
		}
		return out
	}
	if next, err := svc.NextOrder(ctx, admin, "en"); err != nil || next != chat.OrderStep {
		t.Errorf("next order after entries at 0 = %d, %v; want %d", next, err, chat.OrderStep)
	}
	moved, err := svc.Move(ctx, admin, "c", -1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := order("en"), []string{"a:10", "c:20", "b:30"}; !slices.Equal(got, want) {
		t.Errorf("after moving c up: %v, want %v", got, want)
	}
	if moved.ID != "c" || moved.Order != 20 {
		t.Errorf("Move returned %+v, want c at 20", moved)
	}
	if got := order("zh-CN"); !slices.Equal(got, []string{"ab:0"}) {
		t.Errorf("another language changed: %v", got)
	}
	if _, err := svc.Move(ctx, admin, "a", -1); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Move(ctx, admin, "b", 1); err != nil {
		t.Fatal(err)
	}
	if got, want := order("en"), []string{"a:10", "c:20", "b:30"}; !slices.Equal(got, want) {
		t.Errorf("moving the first up and the last down changed the order: %v", got)
	}
	if _, err := svc.Move(ctx, admin, "a", 1); err != nil {
		t.Fatal(err)
	}
	if got, want := order("en"), []string{"c:10", "a:20", "b:30"}; !slices.Equal(got, want) {
		t.Errorf("after moving a down: %v, want %v", got, want)
	}
	if b, err := st.FAQ(ctx, "acme", "b"); err != nil || b.Solved != 1 || b.Question != "Q b" {
		t.Errorf("b after the moves: %+v, %v; want its count and text kept", b, err)
	}
	if next, err := svc.NextOrder(ctx, admin, "en"); err != nil || next != 40 {
		t.Errorf("next order = %d, %v; want 40", next, err)
	}

	agent := chat.Actor{Site: "acme", Agent: &chat.Agent{ID: "ag", Role: chat.RoleAgent, Sites: []string{"acme"}}}
	if _, err := svc.Move(ctx, agent, "a", -1); !chat.IsCode(err, chat.CodeForbidden) {
		t.Errorf("an agent's move = %v, want forbidden", err)
	}
	other := chat.Actor{Site: "beta", Agent: &chat.Agent{ID: "o", Role: chat.RoleOwner, Sites: []string{"beta"}}}
	if _, err := svc.Move(ctx, other, "a", -1); !chat.IsCode(err, chat.CodeNotFound) {
		t.Errorf("another site's owner moves: %v, want not found", err)
	}
	if _, err := svc.Move(ctx, admin, "a", 2); !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("a move by 2 = %v, want invalid", err)
	}
	if _, err := svc.List(ctx, agent, "xx", nil, 10); !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("a list in language xx = %v, want invalid", err)
	}
}
