package account_test

import (
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/chat"
)

// TestTwoFactorEnrolment: enrolment needs the password and counts only
// once a code confirms it; turning it off needs the password and a code,
// a recovery code doing as well as the authenticator's.
func TestTwoFactorEnrolment(t *testing.T) {
	e := newEnv(t)
	const pw = "correct-horse"
	ann := e.addAgent("ann@example.com", pw, nil)
	needsCode := func() bool {
		t.Helper()
		_, err := e.svc.Login(e.ctx, account.Credentials{Email: "ann@example.com", Password: pw}, nil)
		if err != nil && chat.ErrorMessage(err) != "two-factor code required" {
			t.Fatal(err)
		}
		return err != nil
	}

	_, err := e.svc.StartTOTP(e.ctx, ann.ID, "wrong-horse")
	wantErr(t, err, chat.CodeInvalid, "the current password is wrong")
	_, err = e.svc.ConfirmTOTP(e.ctx, ann.ID, "123456")
	wantErr(t, err, chat.CodeConflict, "no enrolment to confirm; start one with POST /api/v1/me/totp")
	en, err := e.svc.StartTOTP(e.ctx, ann.ID, pw)
	if err != nil {
		t.Fatal(err)
	}
	if en.Secret == "" || en.URL == "" || len(en.RecoveryCodes) != 10 || len(en.QR) < 21 || len(en.QR[0]) != len(en.QR) {
		t.Fatalf("enrolment = %+v", en)
	}
	if needsCode() {
		t.Fatal("a login needs a code before the enrolment is confirmed")
	}
	_, err = e.svc.ConfirmTOTP(e.ctx, ann.ID, wrongCode(t, en.Secret, e.now))
	wantErr(t, err, chat.CodeInvalid, "wrong code; enter the 6 digits the authenticator shows now")
	code, err := totp.GenerateCode(en.Secret, e.now)
	if err != nil {
		t.Fatal(err)
	}
	// A login made with the password alone, before the confirmation (a
	// thief's, maybe), ends with it; the confirming browser gets a new one.
	before := e.login("ann@example.com", pw, "")
	after, err := e.svc.ConfirmTOTP(e.ctx, ann.ID, code)
	if err != nil {
		t.Fatal(err)
	}
	if e.live(before, ann.ID) || !e.live(after, ann.ID) {
		t.Errorf("after the confirmation: the earlier login lives %v, the new one %v; want false, true", e.live(before, ann.ID), e.live(after, ann.ID))
	}
	if !needsCode() {
		t.Fatal("a login needs no code after the confirmation")
	}
	e.login("ann@example.com", pw, code)
	_, err = e.svc.StartTOTP(e.ctx, ann.ID, pw)
	wantErr(t, err, chat.CodeConflict, "two-factor login is on already; turn it off first to enrol another authenticator")

	err = e.svc.DisableTOTP(e.ctx, ann.ID, "wrong-horse", code)
	wantErr(t, err, chat.CodeInvalid, "the current password is wrong")
	err = e.svc.DisableTOTP(e.ctx, ann.ID, pw, wrongCode(t, en.Secret, e.now))
	wantErr(t, err, chat.CodeInvalid, "wrong code: enter the authenticator's code or a recovery code")
	if !needsCode() {
		t.Fatal("a refused turn-off turned two-factor login off")
	}
	if err := e.svc.DisableTOTP(e.ctx, ann.ID, pw, en.RecoveryCodes[3]); err != nil {
		t.Fatal(err)
	}
	if needsCode() {
		t.Error("a login needs a code after two-factor login was turned off")
	}
	if err := e.svc.DisableTOTP(e.ctx, ann.ID, pw, ""); err != nil {
		t.Errorf("turning off what is off: %v", err)
	}
	a, err := e.st.Agent(e.ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a.TOTPSecret != "" || a.TOTPPending != "" || len(a.RecoveryHashes) != 0 {
		t.Errorf("turned off, the agent keeps secret %q, pending %q, %d recovery codes", a.TOTPSecret, a.TOTPPending, len(a.RecoveryHashes))
	}
}
