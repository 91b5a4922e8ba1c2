package chat

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// NewID returns a random, URL-safe id of 20 lowercase characters (100 bits).
func NewID() string {
	var b [13]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("chat: crypto/rand failed: " + err.Error()) // never happens on Linux
	}
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b[:]))[:20]
}

// ValidKey reports whether s is a valid site key or id: 1 to 64 characters
// of ASCII letters, digits, '-' and '_'. Keys appear in URLs and bus
// subjects, and any other value is rejected before it reaches a store, so
// that no operator-shaped value ever becomes part of a query.
func ValidKey(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}
