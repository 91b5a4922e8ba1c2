package account_test

import (
	"strings"
	"testing"

	"github.com/pquerna/otp/totp"

	"github.com/kefu/kefu/account"
	"github.com/kefu/kefu/auth"
	"github.com/kefu/kefu/chat"
)

// TestLogin: the right password starts a login of that agent; every
// wrong login gets one answer, whatever made it wrong; an agent with
// two-factor login on needs the authenticator's code too.
func TestLogin(t *testing.T) {
	e := newEnv(t)
	const pw = "correct-horse"
	ann := e.addAgent("ann@example.com", pw, nil)
	e.addAgent("dis@example.com", pw, func(a *chat.Agent) { a.Disabled = true })
	e.addAgent("inv@example.com", "", func(a *chat.Agent) { a.InviteHash = "h" })
	secret, _, err := auth.NewTOTP("kefu", "two@example.com")
	if err != nil {
		t.Fatal(err)
	}
	two := e.addAgent("two@example.com", pw, func(a *chat.Agent) { a.TOTPSecret = secret })
	code, err := totp.GenerateCode(secret, e.now)
	if err != nil {
		t.Fatal(err)
	}
	const wrong = "wrong email or password"
	tests := []struct {
		name    string
		in      account.Credentials
		agentID string // the agent logged in; "" for a refusal
		msg     string // the refusal
	}{
		{name: "right password", in: account.Credentials{Email: "ann@example.com", Password: pw}, agentID: ann.ID},
		{name: "email as typed", in: account.Credentials{Email: "  Ann@Example.COM ", Password: pw}, agentID: ann.ID},
		{name: "wrong password", in: account.Credentials{Email: "ann@example.com", Password: pw + "!"}, msg: wrong},
		{name: "unknown email", in: account.Credentials{Email: "bob@example.com", Password: pw}, msg: wrong},
		{name: "disabled", in: account.Credentials{Email: "dis@example.com", Password: pw}, msg: wrong},
		{name: "invited, no password yet", in: account.Credentials{Email: "inv@example.com", Password: pw}, msg: wrong},
		{name: "no password", in: account.Credentials{Email: "ann@example.com"}, msg: wrong},
		{name: "overlong password", in: account.Credentials{Email: "ann@example.com", Password: strings.Repeat("a", 201)}, msg: wrong},
		{name: "two-factor without a code", in: account.Credentials{Email: "two@example.com", Password: pw}, msg: "two-factor code required"},
		{name: "two-factor, wrong code", in: account.Credentials{Email: "two@example.com", Password: pw, Code: wrongCode(t, secret, e.now)}, msg: "wrong two-factor code"},
		{name: "two-factor, code but wrong password", in: account.Credentials{Email: "two@example.com", Password: "nope-nope", Code: code}, msg: wrong},
		{name: "two-factor, authenticator's code", in: account.Credentials{Email: "two@example.com", Password: pw, Code: " " + code + " "}, agentID: two.ID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tok, err := e.svc.Login(e.ctx, tt.in, nil)
			if tt.agentID == "" {
				wantErr(t, err, chat.CodeUnauthorized, tt.msg)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !e.live(tok, tt.agentID) {
				t.Error("the new login is not live")
			}
			rt, err := e.st.RefreshToken(e.ctx, auth.HashRefreshToken(tok.Refresh))
			if err != nil {
				t.Fatalf("the refresh token is not stored: %v", err)
			}
			if rt.AgentID != tt.agentID || !rt.ExpiresAt.Equal(e.now.Add(auth.RefreshTokenTTL)) || !tok.RefreshExpires.Equal(rt.ExpiresAt) {
				t.Errorf("stored refresh token = %+v, tokens = %+v", rt, tok)
			}
		})
	}
}

// TestLoginAsksAllow: the caller's limit per account is asked with the
// email as kefu keeps it, before the password counts, and not for input
// that cannot be a login.
func TestLoginAsksAllow(t *testing.T) {
	e := newEnv(t)
	e.addAgent("ann@example.com", "correct-horse", nil)
	limited := chat.Errorf(chat.CodeRateLimited, "slow down")
	var asked []string
	allow := func(email string) error {
		asked = append(asked, email)
		return limited
	}
	_, err := e.svc.Login(e.ctx, account.Credentials{Email: " ANN@example.com", Password: "correct-horse"}, allow)
	if err != limited {
		t.Errorf("err = %v, want the limit's error", err)
	}
	_, err = e.svc.Login(e.ctx, account.Credentials{Email: "ann@example.com"}, allow)
	wantErr(t, err, chat.CodeUnauthorized, "wrong email or password")
	if len(asked) != 1 || asked[0] != "ann@example.com" {
		t.Errorf("allow was asked for %q, want once for ann@example.com", asked)
	}
}

// TestRecoveryCodeWorksOnce: a recovery code stands in for the
// authenticator however it is typed, and only once.
func TestRecoveryCodeWorksOnce(t *testing.T) {
	e := newEnv(t)
	codes, hashes := auth.NewRecoveryCodes(2)
	secret, _, err := auth.NewTOTP("kefu", "ann@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ann := e.addAgent("ann@example.com", "correct-horse", func(a *chat.Agent) { a.TOTPSecret, a.RecoveryHashes = secret, hashes })
	typed := strings.ToUpper(strings.Replace(codes[0], "-", " ", 1))
	e.login("ann@example.com", "correct-horse", typed)
	_, err = e.svc.Login(e.ctx, account.Credentials{Email: "ann@example.com", Password: "correct-horse", Code: codes[0]}, nil)
	wantErr(t, err, chat.CodeUnauthorized, "wrong two-factor code")
	e.login("ann@example.com", "correct-horse", codes[1])
	a, err := e.st.Agent(e.ctx, ann.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.RecoveryHashes) != 0 || a.TOTPSecret != secret {
		t.Errorf("after both codes: %d recovery codes left, secret kept %v", len(a.RecoveryHashes), a.TOTPSecret == secret)
	}
}
