package chat

import "testing"

func TestSeenOnce(t *testing.T) {
	var o seenOnce
	if !o.first("a") || o.first("a") {
		t.Fatal("a key counted other than once")
	}
	o.forget("a") // its count failed
	if !o.first("a") {
		t.Fatal("a forgotten key did not count again")
	}
	for i := range seenOnceSize + 1 {
		o.first(string(rune(i)) + "k")
	}
	if len(o.m) > seenOnceSize {
		t.Fatalf("holds %d keys, more than %d", len(o.m), seenOnceSize)
	}
}
