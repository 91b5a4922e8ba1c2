package account_test

import (
	"testing"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/chat"
)

// TestChangePassword: the current password is needed; the new one then
// ends every login of the agent but the one it returns, and the old one
// logs in no more.
func TestChangePassword(t *testing.T) {
	e := newEnv(t)
	ann := e.addAgent("ann@example.com", "correct-horse", func(a *chat.Agent) { a.Role = chat.RoleAdmin })
	here := e.login("ann@example.com", "correct-horse", "")
	there := e.login("ann@example.com", "correct-horse", "")

	_, err := e.svc.ChangePassword(e.ctx, ann.ID, "wrong-horse", "battery-staple")
	wantErr(t, err, chat.CodeInvalid, "the current password is wrong")
	_, err = e.svc.ChangePassword(e.ctx, ann.ID, "correct-horse", "short")
	wantErr(t, err, chat.CodeInvalid, "password must be 8 to 72 characters")
	if !e.live(here, ann.ID) || !e.live(there, ann.ID) {
		t.Fatal("a refused change ended a login")
	}

	changed, err := e.svc.ChangePassword(e.ctx, ann.ID, "correct-horse", "battery-staple")
	if err != nil {
		t.Fatal(err)
	}
	if e.live(here, ann.ID) || e.live(there, ann.ID) || !e.live(changed, ann.ID) {
		t.Error("after the change, an old login goes on or the new one does not")
	}
	_, err = e.svc.Login(e.ctx, account.Credentials{Email: "ann@example.com", Password: "correct-horse"}, nil)
	wantErr(t, err, chat.CodeUnauthorized, "wrong email or password")
	e.login("ann@example.com", "battery-staple", "")
	a, err := e.st.Agent(e.ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.Role != chat.RoleAdmin || a.Email != "ann@example.com" {
		t.Errorf("the change lost the rest of the agent: %+v", a)
	}
}
