package attach

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// URLLife is how long a signed file URL works. Listings and messages sign
// URLs afresh for each reader, so a page that stays open gets new ones.
const URLLife = 15 * time.Minute

// Signer makes and checks the tokens of file URLs. A token names one file
// of one conversation of one site, and an expiry: a URL copied to another
// visitor, another conversation or another site is refused, and so is one
// past its expiry.
type Signer struct {
	key []byte
	now func() time.Time
}

// NewSigner returns a Signer keyed with the server's secret. now may be
// nil for time.Now.
func NewSigner(key []byte, now func() time.Time) *Signer {
	if now == nil {
		now = time.Now
	}
	return &Signer{key: key, now: now}
}

// Sign returns a token for file id of conversation conv of site, good for
// URLLife, and its expiry.
func (s *Signer) Sign(site, conv, id string) (string, time.Time) {
	exp := s.now().Add(URLLife).Truncate(time.Second)
	e := strconv.FormatInt(exp.Unix(), 36)
	return e + "." + s.mac(site, conv, id, e), exp
}

// Verify reports whether token lets its holder read file id of
// conversation conv of site now.
func (s *Signer) Verify(site, conv, id, token string) bool {
	e, sig, ok := strings.Cut(token, ".")
	if !ok || len(e) > 12 {
		return false
	}
	exp, err := strconv.ParseInt(e, 36, 64)
	if err != nil || !s.now().Before(time.Unix(exp, 0)) {
		return false
	}
	return hmac.Equal([]byte(sig), []byte(s.mac(site, conv, id, e)))
}

func (s *Signer) mac(site, conv, id, exp string) string {
	m := hmac.New(sha256.New, s.key)
	for _, part := range []string{"kefu-file", site, conv, id, exp} {
		m.Write([]byte(part))
		m.Write([]byte{0})
	}
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}
