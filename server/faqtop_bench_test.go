package server

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/store/sqlite"
)

// BenchmarkWidgetFAQList measures the list the widget shows before a
// visitor types, at 50,000 entries in 40 categories and 2 languages on
// the embedded store: "cold" builds it from the database, as after a FAQ
// change; "warm" is every other request.
func BenchmarkWidgetFAQList(b *testing.B) {
	ctx := context.Background()
	st, err := sqlite.Open(ctx, sqlite.Config{DataDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	const n = 50_000
	fs := make([]chat.FAQ, n)
	for i := range fs {
		lang := []string{"en", "zh-CN"}[i%2]
		fs[i] = chat.FAQ{ID: fmt.Sprintf("f%05d", i), Lang: lang, Category: fmt.Sprintf("c%02d", (i/2)%40), Published: true,
			Question: fmt.Sprintf("Question %d?", i), Answer: strings.Repeat("answer ", 40), Order: i % 100, UpdatedAt: time.Now()}
	}
	if err := st.SaveFAQs(ctx, "acme", fs); err != nil {
		b.Fatal(err)
	}
	b.Run("cold", func(b *testing.B) {
		for b.Loop() {
			t := newFAQTops(time.Now)
			if out, err := t.top(ctx, st, "acme", "zh-CN", 5); err != nil || len(out) != 40*5 {
				b.Fatalf("%d results, %v", len(out), err)
			}
		}
	})
	b.Run("warm", func(b *testing.B) {
		t := newFAQTops(time.Now)
		for b.Loop() {
			if out, err := t.top(ctx, st, "acme", "zh-CN", 5); err != nil || len(out) != 40*5 {
				b.Fatalf("%d results, %v", len(out), err)
			}
		}
	})
}
