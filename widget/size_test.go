package widget

import (
	"bytes"
	"testing"

	"github.com/andybalholm/brotli"
)

// The weight budget of docs/widget.md, in brotli-compressed bytes.
const (
	loaderBudget = 4 * 1024
	totalBudget  = 20 * 1024
)

func brotliSize(t *testing.T, data []byte) int {
	t.Helper()
	var buf bytes.Buffer
	w := brotli.NewWriterLevel(&buf, brotli.BestCompression)
	if _, err := w.Write(data); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Len()
}

// TestSizeBudget measures what a visitor downloads: the loader on every
// page, and to chat the panel's script, stylesheet and the largest string
// table (the chat page inlines the first one; a language switch fetches
// another).
func TestSizeBudget(t *testing.T) {
	b := mustBuild(t, BuildOptions{})
	files := b.Files()
	loader := brotliSize(t, b.Loader())
	js := brotliSize(t, files[b.PanelScript()])
	css := brotliSize(t, files[b.PanelStyle()])
	strs, biggest := 0, ""
	for _, lang := range Languages() {
		if n := brotliSize(t, files[b.StringsFile(lang)]); n > strs {
			strs, biggest = n, lang
		}
	}
	total := loader + js + css + strs
	t.Logf("brotli q11: loader %d B (raw %d), panel.js %d B (raw %d), panel.css %d B (raw %d), strings ≤ %d B (%s), total %d B",
		loader, len(b.Loader()), js, len(files[b.PanelScript()]), css, len(files[b.PanelStyle()]), strs, biggest, total)
	if loader > loaderBudget {
		t.Errorf("loader is %d B brotli, over the %d B budget", loader, loaderBudget)
	}
	if total > totalBudget {
		t.Errorf("loader+panel is %d B brotli, over the %d B budget", total, totalBudget)
	}
}

// TestUploadIsLazy checks that the upload code is a script of its own,
// which the panel names but does not contain, so that it costs nothing
// until a visitor sends a file.
func TestUploadIsLazy(t *testing.T) {
	b := mustBuild(t, BuildOptions{})
	files := b.Files()
	panel, up := files[b.PanelScript()], files[b.UploadScript()]
	if len(up) == 0 {
		t.Fatalf("no upload script %q among %d files", b.UploadScript(), len(files))
	}
	if !bytes.Contains(up, []byte("XMLHttpRequest")) || bytes.Contains(panel, []byte("XMLHttpRequest")) {
		t.Error("the upload code is in the panel's script, not in a script of its own")
	}
	if !bytes.Contains(panel, []byte(b.UploadScript())) {
		t.Errorf("the panel does not name the upload script %s", b.UploadScript())
	}
	t.Logf("brotli q11: upload script %d B (raw %d), fetched on the first file", brotliSize(t, up), len(up))
}
