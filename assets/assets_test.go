package assets

import (
	"errors"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestDemoPageOnlyWithDemo(t *testing.T) {
	if _, err := fs.ReadFile(New(true), "demo.html"); err != nil {
		t.Errorf("with demo: %v", err)
	}
	if _, err := fs.ReadFile(New(false), "demo.html"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("without demo: err = %v, want not exist", err)
	}
}

// TestInboxFiles checks what a browser would only find out at run time:
// every file the inbox page and its modules name exists, and nothing
// breaks the page's CSP or renders text as HTML.
func TestInboxFiles(t *testing.T) {
	pages := New(false)
	page, err := fs.ReadFile(pages, "inbox.html")
	if err != nil {
		t.Fatal(err)
	}
	linked := regexp.MustCompile(`(?:src|href)="/inbox/assets/([^"]+)"`).FindAllStringSubmatch(string(page), -1)
	if len(linked) < 2 {
		t.Fatalf("inbox.html links %d assets, want its script and style", len(linked))
	}
	for _, m := range linked {
		if _, err := fs.Stat(pages, "inbox/"+m[1]); err != nil {
			t.Errorf("inbox.html links %s: %v", m[1], err)
		}
	}
	// The CSP allows scripts from files only.
	if regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`).Match(page) || regexp.MustCompile(`\son[a-z]+=`).Match(page) {
		t.Error("inbox.html has an inline script or event handler, which its CSP blocks")
	}

	scripts, err := fs.Glob(pages, "inbox/*.js")
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no inbox scripts: %v", err)
	}
	imports := regexp.MustCompile(`(?m)^import .* from '\./([^']+)';$`)
	unsafe := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function`)
	for _, name := range scripts {
		b, err := fs.ReadFile(pages, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range imports.FindAllStringSubmatch(string(b), -1) {
			if _, err := fs.Stat(pages, "inbox/"+m[1]); err != nil {
				t.Errorf("%s imports %s: %v", name, m[1], err)
			}
		}
		for _, line := range strings.Split(string(b), "\n") {
			if s := strings.TrimSpace(line); !strings.HasPrefix(s, "//") && unsafe.MatchString(s) {
				t.Errorf("%s: %q; the inbox renders text with textContent only", name, s)
			}
		}
	}
}
