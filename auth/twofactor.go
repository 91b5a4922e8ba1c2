package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/pquerna/otp/totp"
)

// NewTOTP returns a new two-factor secret for account and the otpauth URL
// that an authenticator app reads (from a QR code, or typed in).
func NewTOTP(issuer, account string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account})
	if err != nil {
		return "", "", fmt.Errorf("auth: new two-factor secret: %w", err)
	}
	return key.Secret(), key.URL(), nil
}

// NewRecoveryCodes returns n one-time recovery codes, as the agent writes
// them down (ab3de-fg7hk), and the hashes to store. Each carries 50 random
// bits.
func NewRecoveryCodes(n int) (codes, hashes []string) {
	for range n {
		var b [7]byte
		if _, err := rand.Read(b[:]); err != nil {
			panic("auth: crypto/rand failed: " + err.Error())
		}
		c := strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, hashRecoveryCode(c))
	}
	return codes, hashes
}

// RecoveryHash returns the stored form of a recovery code as typed,
// whatever its case, spaces and dashes, or "" for what cannot be one.
func RecoveryHash(code string) string {
	code = strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	if len(code) != 10 {
		return ""
	}
	return hashRecoveryCode(code)
}

// UseRecoveryCode reports whether code is one of hashes, whatever its case,
// spaces and dashes, and returns the hashes without it: a code works once.
func UseRecoveryCode(hashes []string, code string) (rest []string, ok bool) {
	h := RecoveryHash(code)
	if h == "" {
		return hashes, false
	}
	for i, x := range hashes {
		if x == h {
			return append(append([]string(nil), hashes[:i]...), hashes[i+1:]...), true
		}
	}
	return hashes, false
}

func hashRecoveryCode(code string) string {
	sum := sha256.Sum256([]byte("kefu-recovery:" + code))
	return hex.EncodeToString(sum[:])
}
