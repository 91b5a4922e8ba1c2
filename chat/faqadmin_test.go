package chat_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/kefu/kefu/bus"
	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// TestFAQAdminRolesAndImport runs the FAQ's use cases on the embedded
// store: agents read, admins and owners change; another site's entry is
// not found for any role; an import of the same file twice adds nothing;
// and every change is announced on the bus.
func TestFAQAdminRolesAndImport(t *testing.T) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
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
