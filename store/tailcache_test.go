package store

import (
	"fmt"
	"testing"
)

func TestTailCacheIsBounded(t *testing.T) {
	c := newTailCache()
	for i := range maxCachedTails + 10 {
		c.put(fmt.Sprint(i), cachedTail{site: "acme"})
	}
	if len(c.m) != maxCachedTails {
		t.Errorf("cache holds %d tails, want at most %d", len(c.m), maxCachedTails)
	}
	c.put("x", cachedTail{site: "beta"})
	if got, ok := c.get("x"); !ok || got.site != "beta" {
		t.Errorf("get(x) = %+v, %v after put", got, ok)
	}
	c.drop("x")
	if _, ok := c.get("x"); ok {
		t.Error("get(x) found a dropped tail")
	}
	var none *tailCache // a real MongoDB's: holds nothing
	none.put("x", cachedTail{})
	if _, ok := none.get("x"); ok {
		t.Error("nil cache returned a tail")
	}
}
