package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"
)

// An agent enrols two-factor login: a code confirms it; then a login needs
// the authenticator's code or a recovery code, each recovery code working
// once; a recovery code turns it off again.
func TestTwoFactorEnrolment(t *testing.T) {
	e := startEnv(t, func(o *serverOptions) { o.Limits.LoginPerAccount, o.Limits.LoginPerMinute = 100, 100 })
	ctx := ctxT(t)
	c := e.client()
	var enrol struct {
		Secret        string   `json:"secret"`
		OTPAuthURL    string   `json:"otpauth_url"`
		RecoveryCodes []string `json:"recovery_codes"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/me/totp", e.agentA, nil, &enrol); err != nil {
		t.Fatal(err)
	}
	if enrol.Secret == "" || len(enrol.RecoveryCodes) != 10 || enrol.OTPAuthURL == "" {
		t.Fatalf("enrolment = %+v", enrol)
	}
	// Not on until confirmed.
	if _, err := c.Login(ctx, "a@example.com", "password-site-a", ""); err != nil {
		t.Fatalf("a login before the confirmation: %v", err)
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/me/totp/confirm", e.agentA, map[string]string{"code": "000000"}, nil), http.StatusBadRequest)
	code, _ := totp.GenerateCode(enrol.Secret, time.Now())
	if err := c.Do(ctx, "POST", "/api/v1/me/totp/confirm", e.agentA, map[string]string{"code": code}, nil); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/me/totp", e.agentA, nil, nil), http.StatusConflict)

	login := func(code string) error {
		_, err := c.Login(ctx, "a@example.com", "password-site-a", code)
		return err
	}
	if err := login(""); err == nil {
		t.Fatal("a login without a code passed")
	}
	if err := login(code); err != nil {
		t.Errorf("a login with the authenticator's code: %v", err)
	}
	upper := enrol.RecoveryCodes[0]
	if err := login(upper); err != nil {
		t.Errorf("a login with a recovery code: %v", err)
	}
	if err := login(upper); err == nil {
		t.Error("a recovery code worked twice")
	}
	token, err := c.Login(ctx, "a@example.com", "password-site-a", enrol.RecoveryCodes[1])
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"code": "not-a-code"}, nil), http.StatusBadRequest)
	if err := c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"code": enrol.RecoveryCodes[2]}, nil); err != nil {
		t.Fatal(err)
	}
	if err := login(""); err != nil {
		t.Errorf("after turning it off, a login without a code: %v", err)
	}
}
