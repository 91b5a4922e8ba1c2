package assets

import (
	"slices"

	"errors"
	"github.com/kefu/kefu/chat"
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

// TestInboxStrings checks the inbox's two string tables: they have the
// same keys, no text is empty, and every key the page and its scripts use
// is in them. A dynamic key, t('status.' + s), needs some key with that
// prefix.
func TestInboxStrings(t *testing.T) {
	pages := New(false)
	b, err := fs.ReadFile(pages, "inbox/strings.js")
	if err != nil {
		t.Fatal(err)
	}
	src := string(b)
	at := strings.Index(src, "\n  'zh-CN': {")
	if at < 0 {
		t.Fatal("strings.js has no 'zh-CN' table")
	}
	entry := regexp.MustCompile(`(?m)^    '?([\w.-]+)'?: '((?:[^'\\]|\\.)*)',$`)
	table := func(part string) map[string]string {
		m := map[string]string{}
		for _, e := range entry.FindAllStringSubmatch(part, -1) {
			if _, dup := m[e[1]]; dup {
				t.Errorf("key %s is twice in one table", e[1])
			}
			m[e[1]] = e[2]
		}
		return m
	}
	en, zh := table(src[:at]), table(src[at:])
	if len(en) < 50 {
		t.Fatalf("the en table has %d keys; is strings.js in the expected form?", len(en))
	}
	for k, v := range en {
		if _, ok := zh[k]; !ok {
			t.Errorf("zh-CN lacks %s (en: %q)", k, v)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("en %s is empty", k)
		}
	}
	for k, v := range zh {
		if _, ok := en[k]; !ok {
			t.Errorf("en lacks %s (zh-CN: %q)", k, v)
		}
		if strings.TrimSpace(v) == "" {
			t.Errorf("zh-CN %s is empty", k)
		}
	}

	used := map[string]string{} // key → where
	page, err := fs.ReadFile(pages, "inbox.html")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`data-t(?:-[a-z-]+)?="([^"]+)"`).FindAllStringSubmatch(string(page), -1) {
		used[m[1]] = "inbox.html"
	}
	scripts, _ := fs.Glob(pages, "inbox/*.js")
	call := regexp.MustCompile(`\bt\('([\w.-]+)'(\s*\+)?`)
	for _, name := range scripts {
		b, err := fs.ReadFile(pages, name)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range call.FindAllStringSubmatch(string(b), -1) {
			if m[2] != "" {
				used[m[1]+"*"] = name
			} else {
				used[m[1]] = name
			}
		}
	}
	if len(used) < 40 {
		t.Fatalf("found %d keys in use; is t('key') still how the scripts ask?", len(used))
	}
	for k, where := range used {
		if prefix, dynamic := strings.CutSuffix(k, "*"); dynamic {
			found := false
			for have := range en {
				found = found || strings.HasPrefix(have, prefix)
			}
			if !found {
				t.Errorf("%s asks for keys %s…, and there are none", where, prefix)
			}
		} else if _, ok := en[k]; !ok {
			t.Errorf("%s uses %s, which strings.js lacks", where, k)
		}
	}
}

// The inbox's list of languages is kefu's.
func TestInboxLanguages(t *testing.T) {
	b, err := fs.ReadFile(New(false), "inbox/form.js")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`export const LANGS = \[([^\]]*)\];`).FindSubmatch(b)
	if m == nil {
		t.Fatal("form.js has no LANGS list")
	}
	var got []string
	for _, q := range regexp.MustCompile(`'([^']+)'`).FindAllSubmatch(m[1], -1) {
		got = append(got, string(q[1]))
	}
	if want := chat.Languages(); !slices.Equal(got, want) {
		t.Errorf("form.js LANGS = %v, want chat.Languages() = %v", got, want)
	}
}
