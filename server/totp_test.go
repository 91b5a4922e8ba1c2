package server_test

import (
	"net/http"
	"strings"
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
		QR            []string `json:"qr"`
		RecoveryCodes []string `json:"recovery_codes"`
	}
	var me struct {
		TwoFactor bool `json:"two_factor"`
	}
	twoFactor := func(token string) bool {
		t.Helper()
		if err := c.Do(ctx, "GET", "/api/v1/me", token, nil, &me); err != nil {
			t.Fatal(err)
		}
		return me.TwoFactor
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/me/totp", e.agentA, map[string]string{"current_password": "wrong-password"}, nil), http.StatusBadRequest)
	pw := map[string]string{"current_password": "password-site-a"}
	if err := c.Do(ctx, "POST", "/api/v1/me/totp", e.agentA, pw, &enrol); err != nil {
		t.Fatal(err)
	}
	if enrol.Secret == "" || len(enrol.RecoveryCodes) != 10 || enrol.OTPAuthURL == "" || len(enrol.QR) < 29 || len(enrol.QR[0]) != len(enrol.QR) {
		t.Fatalf("enrolment = %+v", enrol)
	}
	if twoFactor(e.agentA) {
		t.Error("/me says two-factor login is on before the confirmation")
	}
	// Not on until confirmed.
	if _, err := c.Login(ctx, "a@example.com", "password-site-a", ""); err != nil {
		t.Fatalf("a login before the confirmation: %v", err)
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/me/totp/confirm", e.agentA, map[string]string{"code": "000000"}, nil), http.StatusBadRequest)
	code, _ := totp.GenerateCode(enrol.Secret, time.Now())
	var confirmed struct {
		AccessToken string `json:"access_token"`
		TwoFactor   bool   `json:"two_factor"`
	}
	if err := c.Do(ctx, "POST", "/api/v1/me/totp/confirm", e.agentA, map[string]string{"code": code}, &confirmed); err != nil {
		t.Fatal(err)
	}
	// Every login made with the password alone has ended; the confirming
	// browser has a new one.
	wantStatus(t, c.Do(ctx, "GET", "/api/v1/me", e.agentA, nil, nil), http.StatusUnauthorized)
	if confirmed.AccessToken == "" || !confirmed.TwoFactor {
		t.Fatalf("the confirmation answered %+v, want a new login", confirmed)
	}
	wantStatus(t, c.Do(ctx, "POST", "/api/v1/me/totp", confirmed.AccessToken, pw, nil), http.StatusConflict)
	if !twoFactor(confirmed.AccessToken) {
		t.Error("/me says two-factor login is off after the confirmation")
	}

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
	typed := strings.ToUpper(strings.Replace(enrol.RecoveryCodes[0], "-", " ", 1))
	if err := login(typed); err != nil {
		t.Errorf("a login with a recovery code typed %q: %v", typed, err)
	}
	if err := login(enrol.RecoveryCodes[0]); err == nil {
		t.Error("a recovery code worked twice")
	}
	token, err := c.Login(ctx, "a@example.com", "password-site-a", enrol.RecoveryCodes[1])
	if err != nil {
		t.Fatal(err)
	}
	wantStatus(t, c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"code": "not-a-code", "current_password": "password-site-a"}, nil), http.StatusBadRequest)
	wantStatus(t, c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"code": enrol.RecoveryCodes[2]}, nil), http.StatusBadRequest)
	if err := c.Do(ctx, "DELETE", "/api/v1/me/totp", token, map[string]string{"code": enrol.RecoveryCodes[2], "current_password": "password-site-a"}, nil); err != nil {
		t.Fatal(err)
	}
	if err := login(""); err != nil {
		t.Errorf("after turning it off, a login without a code: %v", err)
	}
}
