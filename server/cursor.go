package server

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
)

// A cursor marks where the next page of a listing starts: the sort key
// and the id of the last record of this page. Clients pass it back as is.
func encodeCursor(key int64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(key, 10) + "." + id))
}

func decodeCursor(s string) (key int64, id string, err error) {
	bad := chat.Invalid("cursor is malformed")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, "", bad
	}
	// The id may hold anything an older import stored (FAQ ids with dots):
	// it only ever meets the store as a bound value.
	ks, id, ok := strings.Cut(string(b), ".")
	key, err = strconv.ParseInt(ks, 10, 64)
	if !ok || err != nil || id == "" || len(id) > 200 || !utf8.ValidString(id) {
		return 0, "", bad
	}
	return key, id, nil
}

// timeCursor reads the cursor query parameter of a listing that pages
// backwards in time, newest first: the time and id of the last record of
// the previous page, or zeros for the first page.
func timeCursor(c *fiber.Ctx) (before time.Time, beforeID string, err error) {
	cur := c.Query("cursor")
	if cur == "" {
		return time.Time{}, "", nil
	}
	ns, id, err := decodeCursor(cur)
	if err != nil {
		return time.Time{}, "", err
	}
	return time.Unix(0, ns).UTC(), id, nil
}
