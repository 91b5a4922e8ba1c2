package auth

import (
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/chat"
)

func TestVisitorAndAccessTokens(t *testing.T) {
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	iss := NewIssuer([]byte("0123456789abcdef0123456789abcdef"), clock)
	other := NewIssuer([]byte("another-secret-another-secret-!!"), clock)

	vt, _, err := iss.VisitorToken(VisitorClaims{Site: "demo", VisitorID: "v1", Verified: true})
	if err != nil {
		t.Fatal(err)
	}
	at, _, err := iss.AccessToken("agent1", "session1")
	if err != nil {
		t.Fatal(err)
	}
	if c, err := iss.ParseVisitor(vt); err != nil || c.Site != "demo" || c.VisitorID != "v1" || !c.Verified {
		t.Fatalf("visitor claims = %+v, %v", c, err)
	}
	if c, err := iss.ParseAccess(at); err != nil || c.AgentID != "agent1" {
		t.Fatalf("agent claims = %+v, %v", c, err)
	}
	tests := []struct {
		name string
		fn   func() error
	}{
		{"visitor token as access token", func() error { _, err := iss.ParseAccess(vt); return err }},
		{"access token as visitor token", func() error { _, err := iss.ParseVisitor(at); return err }},
		{"another server's key", func() error { _, err := other.ParseVisitor(vt); return err }},
		{"tampered", func() error { _, err := iss.ParseVisitor(vt[:len(vt)-2] + "xx"); return err }},
		{"empty", func() error { _, err := iss.ParseVisitor(""); return err }},
		{"none algorithm", func() error {
			tok, _ := jwt.NewWithClaims(jwt.SigningMethodNone, jwt.MapClaims{"sub": "agent1", "aud": "kefu:agent", "iss": "kefu", "exp": now.Add(time.Hour).Unix()}).SignedString(jwt.UnsafeAllowNoneSignatureType)
			_, err := iss.ParseAccess(tok)
			return err
		}},
		{"expired", func() error {
			later := NewIssuer([]byte("0123456789abcdef0123456789abcdef"), func() time.Time { return now.Add(AccessTokenTTL + time.Minute) })
			_, err := later.ParseAccess(at)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.fn(); chat.ErrorCode(err) != chat.CodeUnauthorized {
				t.Fatalf("err = %v, want unauthorized", err)
			}
		})
	}
}

func TestVerifyIdentity(t *testing.T) {
	now := time.Now()
	site := &chat.Site{Key: "demo", IdentitySecret: "s3cret"}
	token := func(secret, aud string, exp time.Time) string {
		s, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": "u1", "aud": aud, "exp": exp.Unix(), "email": "u1@example.com"}).SignedString([]byte(secret))
		return s
	}
	tests := []struct {
		name string
		site *chat.Site
		id   chat.Identity
		ok   bool
	}{
		{"hash", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u1")}, true},
		{"upper-case hash", site, chat.Identity{ID: "u1", Hash: strings.ToUpper(UserHash("s3cret", "u1"))}, false},
		{"token", site, chat.Identity{Token: token("s3cret", "demo", now.Add(time.Hour))}, true},
		{"no secret on site", &chat.Site{Key: "demo"}, chat.Identity{ID: "u1", Hash: UserHash("", "u1")}, false},
		{"empty hash", site, chat.Identity{ID: "u1"}, false},
		{"other user's hash", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u2")}, false},
		{"name of 3 MB", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u1"), Name: strings.Repeat("名", 1<<20)}, false},
		{"name of 100 characters", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u1"), Name: strings.Repeat("名", 100)}, true},
		{"email too long", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u1"), Email: strings.Repeat("a", 250) + "@x.io"}, false},
		{"name not UTF-8", site, chat.Identity{ID: "u1", Hash: UserHash("s3cret", "u1"), Name: "\xff"}, false},
		{"token, wrong audience", site, chat.Identity{Token: token("s3cret", "other", now.Add(time.Hour))}, false},
		{"token, expired", site, chat.Identity{Token: token("s3cret", "demo", now.Add(-time.Hour))}, false},
		{"token, too long-lived", site, chat.Identity{Token: token("s3cret", "demo", now.Add(48*time.Hour))}, false},
		{"token, wrong secret", site, chat.Identity{Token: token("nope", "demo", now.Add(time.Hour))}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, err := VerifyIdentity(tt.site, tt.id, now)
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && u.ID != "u1" {
				t.Fatalf("user = %+v", u)
			}
		})
	}
}

func TestPasswords(t *testing.T) {
	if _, err := HashPassword("short"); chat.ErrorCode(err) != chat.CodeInvalid {
		t.Fatalf("short password: %v", err)
	}
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "correct horse battery") || CheckPassword(h, "wrong horse battery") {
		t.Fatal("password check is wrong")
	}
	if a, b := RandomPassword(), RandomPassword(); a == b || len(a) < 16 {
		t.Fatalf("random passwords %q %q", a, b)
	}
}

// Recovery codes are random, work whatever their case, spaces and dashes,
// and each works once.
func TestRecoveryCodes(t *testing.T) {
	codes, hashes := NewRecoveryCodes(10)
	seen := map[string]bool{}
	for _, c := range codes {
		if len(c) != 11 || c[5] != '-' || seen[c] {
			t.Fatalf("code %q: want 10 characters around a dash, all different", c)
		}
		seen[c] = true
	}
	typed := strings.ToUpper(strings.Replace(codes[3], "-", " ", 1))
	rest, ok := UseRecoveryCode(hashes, typed)
	if !ok || len(rest) != 9 {
		t.Fatalf("%q: ok %v, %d left", typed, ok, len(rest))
	}
	if _, ok := UseRecoveryCode(rest, codes[3]); ok {
		t.Error("a used code worked again")
	}
	if _, ok := UseRecoveryCode(hashes, "aaaaa-aaaaa"); ok {
		t.Error("a made-up code worked")
	}
	if len(hashes) != 10 {
		t.Error("UseRecoveryCode changed the hashes it was given")
	}
}

// The QR code of an otpauth URL is square, has a light border of four
// modules and the three finder squares a scanner looks for, and differs
// for another secret.
func TestQR(t *testing.T) {
	_, url, err := NewTOTP("kefu", "王芳@example.com")
	if err != nil {
		t.Fatal(err)
	}
	rows, err := QR(url)
	if err != nil {
		t.Fatal(err)
	}
	n := len(rows)
	if (n-8-17)%4 != 0 || n < 8+21 {
		t.Fatalf("%d rows: not the size of a QR code with its border", n)
	}
	for i, r := range rows {
		if len(r) != n || strings.Trim(r, "01") != "" {
			t.Fatalf("row %d is %q; want %d modules of 0 and 1", i, r, n)
		}
	}
	finder := []string{"1111111", "1000001", "1011101", "1011101", "1011101", "1000001", "1111111"}
	for i, want := range finder {
		if got := rows[4+i][4:11]; got != want {
			t.Errorf("top-left finder row %d = %s, want %s", i, got, want)
		}
		if got := rows[4+i][n-11 : n-4]; got != want {
			t.Errorf("top-right finder row %d = %s, want %s", i, got, want)
		}
		if got := rows[n-11+i][4:11]; got != want {
			t.Errorf("bottom-left finder row %d = %s, want %s", i, got, want)
		}
	}
	if strings.Contains(rows[0]+rows[3]+rows[n-1], "1") {
		t.Error("the border is not light")
	}
	_, other, _ := NewTOTP("kefu", "王芳@example.com")
	rows2, _ := QR(other)
	if strings.Join(rows, "") == strings.Join(rows2, "") {
		t.Error("two secrets give the same QR code")
	}
}
