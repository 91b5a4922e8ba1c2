package search

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/kefu/kefu/chat"
)

// demoSite is the site the sample FAQ is loaded into by the tests.
const demoSite = "demo"

// mustOpenMem returns an empty in-memory index with options o, closed when
// the test ends.
func mustOpenMem(t testing.TB, o options) *Index {
	t.Helper()
	x, err := openMem(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	return x
}

// loadDemo reads the demo site's sample FAQ, as published entries of
// demoSite.
func loadDemo(t testing.TB) []chat.FAQ {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "assets", "faq", "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	var fs []chat.FAQ
	if err := json.Unmarshal(b, &fs); err != nil {
		t.Fatalf("demo.json: %v", err)
	}
	for i := range fs {
		fs[i].Site = demoSite
		fs[i].Published = true
	}
	return fs
}

// mustIndex indexes fs or fails the test.
func mustIndex(t testing.TB, x *Index, fs ...chat.FAQ) {
	t.Helper()
	if err := x.IndexBatch(context.Background(), fs); err != nil {
		t.Fatal(err)
	}
}

// suggestIDs returns the ids Suggest gives, failing the test on error.
func suggestIDs(t testing.TB, x *Index, site, lang, text string, n int) []string {
	t.Helper()
	rs, err := x.Suggest(context.Background(), site, lang, text, n)
	if err != nil {
		t.Fatalf("Suggest(%q, %q, %.40q): %v", site, lang, text, err)
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return ids
}
