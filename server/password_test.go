package server_test

import (
	"net/http"
	"testing"

	"github.com/kefu/kefu/client"
)

// A password change ends every login of the agent, on every device, at
// once; the browser that changed it gets a new login, and only the new
// password logs in.
func TestPasswordChangeEndsEveryLogin(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	here, _ := login(t, e.url, "a@example.com", "password-site-a")
	elsewhere, elsewhereCookie := login(t, e.url, "a@example.com", "password-site-a")
	otherAgent, _ := login(t, e.url, "b@example.com", "password-site-b")

	status := func(err error) int {
		if ae, ok := err.(*client.APIError); ok {
			return ae.Status
		}
		if err != nil {
			t.Fatal(err)
		}
		return http.StatusOK
	}
	change := func(current, next string) (int, string) {
		var out struct {
			AccessToken string `json:"access_token"`
		}
		err := c.Do(ctx, "POST", "/api/v1/me/password", here, map[string]string{"current_password": current, "new_password": next}, &out)
		return status(err), out.AccessToken
	}
	if st, _ := change("wrong-password", "a-new-password"); st != http.StatusBadRequest {
		t.Fatalf("a wrong current password = %d, want 400", st)
	}
	if st, _ := change("password-site-a", "short"); st != http.StatusBadRequest {
		t.Fatalf("a short new password = %d, want 400", st)
	}
	st, fresh := change("password-site-a", "a-new-password")
	if st != http.StatusOK || fresh == "" {
		t.Fatalf("change = %d, token %q", st, fresh)
	}

	for name, token := range map[string]string{"this login's old token": here, "another device": elsewhere} {
		if st := status(c.Do(ctx, "GET", "/api/v1/me", token, nil, nil)); st != http.StatusUnauthorized {
			t.Errorf("%s after the change = %d, want 401", name, st)
		}
	}
	if res := post(t, e.url, "/api/v1/auth/refresh", "", nil, elsewhereCookie); res.StatusCode != http.StatusUnauthorized {
		t.Errorf("another device's refresh after the change = %d, want 401", res.StatusCode)
	}
	if st := status(c.Do(ctx, "GET", "/api/v1/me", fresh, nil, nil)); st != http.StatusOK {
		t.Errorf("the new login from the change = %d, want 200", st)
	}
	if st := status(c.Do(ctx, "GET", "/api/v1/me", otherAgent, nil, nil)); st != http.StatusOK {
		t.Errorf("another agent after the change = %d, want 200", st)
	}
	if _, err := c.Login(ctx, "a@example.com", "password-site-a", ""); status(err) != http.StatusUnauthorized {
		t.Errorf("the old password still logs in: %v", err)
	}
	login(t, e.url, "a@example.com", "a-new-password")
}
