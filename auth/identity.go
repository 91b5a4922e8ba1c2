package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"time"
	"unicode/utf8"

	"github.com/golang-jwt/jwt/v5"

	"github.com/kefu/kefu/chat"
)

// maxIdentityTokenAge bounds how long a site-signed identity token may live,
// so a leaked token is only briefly useful.
const maxIdentityTokenAge = 24 * time.Hour

// UserHash returns the proof a site computes for userID with secret.
func UserHash(secret, userID string) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(userID))
	return hex.EncodeToString(m.Sum(nil))
}

type identityJWT struct {
	Name    string `json:"name"`
	Email   string `json:"email"`
	Account string `json:"account"`
	jwt.RegisteredClaims
}

// Bounds of what a page says about its user: the inbox shows it.
const (
	maxUserName  = 100 // runes
	maxUserEmail = 254 // bytes, as in RFC 5321
)

// checkProfile refuses a name or email that is too long or not text.
func checkProfile(name, email string) error {
	switch {
	case !utf8.ValidString(name) || !utf8.ValidString(email):
		return chat.Invalid("user name and email must be UTF-8 text")
	case utf8.RuneCountInString(name) > maxUserName:
		return chat.Invalid("user name is longer than %d characters", maxUserName)
	case len(email) > maxUserEmail:
		return chat.Invalid("user email is longer than %d bytes", maxUserEmail)
	}
	return nil
}

// VerifyIdentity checks id, a site's proof of its user (see
// chat.Identity), against the site's identity secret. Any failure is
// unauthorized; the caller then must not treat the visitor as the user.
// Only the user id is proven in hash mode: the name and email are what the
// page says (a token signs them too).
func VerifyIdentity(site *chat.Site, id chat.Identity, now time.Time) (chat.VerifiedUser, error) {
	fail := chat.Errorf(chat.CodeUnauthorized, "identity verification failed")
	if site.IdentitySecret == "" {
		return chat.VerifiedUser{}, chat.Errorf(chat.CodeUnauthorized, "identity verification is not set up for this site")
	}
	if id.Token != "" {
		var c identityJWT
		_, err := jwt.ParseWithClaims(id.Token, &c, func(*jwt.Token) (any, error) {
			return []byte(site.IdentitySecret), nil
		},
			jwt.WithValidMethods([]string{"HS256"}),
			jwt.WithAudience(site.Key),
			jwt.WithExpirationRequired(),
			jwt.WithTimeFunc(func() time.Time { return now }),
		)
		if err != nil || c.Subject == "" || len(c.Subject) > 128 {
			return chat.VerifiedUser{}, fail
		}
		if c.ExpiresAt.Sub(now) > maxIdentityTokenAge {
			return chat.VerifiedUser{}, chat.Errorf(chat.CodeUnauthorized, "identity token lives too long (max 24h)")
		}
		if err := checkProfile(c.Name, c.Email); err != nil {
			return chat.VerifiedUser{}, err
		}
		return chat.VerifiedUser{ID: c.Subject, Name: c.Name, Email: c.Email, ProfileSigned: true}, nil
	}
	if id.ID == "" || len(id.ID) > 128 || id.Hash == "" {
		return chat.VerifiedUser{}, fail
	}
	want := UserHash(site.IdentitySecret, id.ID)
	if !hmac.Equal([]byte(want), []byte(id.Hash)) {
		return chat.VerifiedUser{}, fail
	}
	if err := checkProfile(id.Name, id.Email); err != nil {
		return chat.VerifiedUser{}, err
	}
	return chat.VerifiedUser{ID: id.ID, Name: id.Name, Email: id.Email}, nil
}
