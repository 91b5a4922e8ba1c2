package widget

import (
	"bytes"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

// mustBuild builds the embedded widget or fails the test.
func mustBuild(t *testing.T, opts BuildOptions) *Bundle {
	t.Helper()
	b, err := Build(opts)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return b
}

// copySources returns the embedded sources as a writable in-memory FS.
func copySources(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sources, p)
		m[strings.TrimPrefix(p, "src/")] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestBuildParsesAndMinifies(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts BuildOptions
	}{
		{name: "minified", opts: BuildOptions{}},
		{name: "readable", opts: BuildOptions{NoMinify: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := mustBuild(t, tc.opts)
			if len(b.Loader()) == 0 {
				t.Fatal("empty loader")
			}
			for name, data := range b.Files() {
				if len(data) == 0 {
					t.Errorf("%s is empty", name)
				}
			}
			if !regexp.MustCompile(`^"[0-9a-f]{16}"$`).MatchString(b.LoaderETag()) {
				t.Errorf("LoaderETag = %s, want a quoted hash", b.LoaderETag())
			}
		})
	}
}

func TestBuildRejectsBrokenSource(t *testing.T) {
	src := copySources(t)
	src["panel/app.js"] = &fstest.MapFile{Data: []byte("export const S = {;\n")}
	if _, err := Build(BuildOptions{Source: src}); err == nil || !strings.Contains(err.Error(), "panel/app.js") {
		t.Fatalf("Build with a syntax error: err = %v, want one naming panel/app.js", err)
	}
}

func TestHashedNamesFollowContent(t *testing.T) {
	base := mustBuild(t, BuildOptions{})

	src := copySources(t)
	css := src["panel/panel.css"]
	src["panel/panel.css"] = &fstest.MapFile{Data: append(bytes.Clone(css.Data), ".changed{color:red}\n"...)}
	changed := mustBuild(t, BuildOptions{Source: src})
	if changed.PanelStyle() == base.PanelStyle() {
		t.Errorf("stylesheet changed but its name %s did not", base.PanelStyle())
	}
	if changed.PanelScript() != base.PanelScript() {
		t.Errorf("script unchanged but its name went from %s to %s", base.PanelScript(), changed.PanelScript())
	}

	// A string table change renames the table, and so the panel script
	// that lists the tables' names.
	src = copySources(t)
	ja := src["i18n/ja.json"]
	src["i18n/ja.json"] = &fstest.MapFile{Data: bytes.Replace(ja.Data, []byte("お問い合わせ"), []byte("サポート"), 1)}
	changed = mustBuild(t, BuildOptions{Source: src})
	if changed.StringsFile("ja") == base.StringsFile("ja") || changed.PanelScript() == base.PanelScript() {
		t.Errorf("ja strings changed: ja %s -> %s, script %s -> %s", base.StringsFile("ja"), changed.StringsFile("ja"), base.PanelScript(), changed.PanelScript())
	}
	if changed.LoaderETag() == base.LoaderETag() {
		t.Error("the bubble label changed but the loader's ETag did not")
	}

	again := mustBuild(t, BuildOptions{})
	if again.PanelScript() != base.PanelScript() || again.PanelStyle() != base.PanelStyle() || again.LoaderETag() != base.LoaderETag() {
		t.Error("two builds of the same sources differ")
	}
}

func TestAssetsAreReferencedByHashedName(t *testing.T) {
	b := mustBuild(t, BuildOptions{})
	files := b.Files()
	hashed := regexp.MustCompile(`^[a-zA-Z-]+\.[0-9a-f]{8}\.(js|css|json)$`)
	for name := range files {
		if !hashed.MatchString(name) {
			t.Errorf("file %q has no content hash in its name", name)
		}
	}
	page := string(b.ChatPage("demo", "zh-CN"))
	for _, name := range []string{b.PanelScript(), b.PanelStyle()} {
		if _, ok := files[name]; !ok {
			t.Errorf("%s is not among the files", name)
		}
		if !strings.Contains(page, `"`+AssetPrefix+name+`"`) {
			t.Errorf("chat page does not reference %s%s", AssetPrefix, name)
		}
	}
	script := string(files[b.PanelScript()])
	for _, lang := range Languages() {
		name := b.StringsFile(lang)
		if _, ok := files[name]; !ok {
			t.Errorf("strings of %s: %q is not among the files", lang, name)
		}
		if !strings.Contains(script, name) {
			t.Errorf("panel script does not reference %s", name)
		}
	}
	if !strings.Contains(script, `"`+AssetPrefix+`"`) {
		t.Errorf("panel script does not fetch strings from %s", AssetPrefix)
	}
	loader := string(b.Loader())
	for _, want := range []string{ChatPath, "/api/v1/widget/", "/config", "embed=1", "&lang=", "&origin="} {
		if !strings.Contains(loader, want) {
			t.Errorf("loader does not contain %q", want)
		}
	}
}

func TestFSServesTheFiles(t *testing.T) {
	b := mustBuild(t, BuildOptions{})
	var names []string
	for name := range b.Files() {
		names = append(names, name)
	}
	if err := fstest.TestFS(b.FS(), names...); err != nil {
		t.Fatal(err)
	}
}

func TestContentType(t *testing.T) {
	for _, tc := range []struct{ name, want string }{
		{name: "panel.0123abcd.js", want: "text/javascript; charset=utf-8"},
		{name: "panel.0123abcd.css", want: "text/css; charset=utf-8"},
		{name: "zh-CN.0123abcd.json", want: "application/json; charset=utf-8"},
		{name: "x.bin", want: "application/octet-stream"},
	} {
		if got := ContentType(tc.name); got != tc.want {
			t.Errorf("ContentType(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestNoHTMLSinks keeps message text out of the HTML parser: the sources
// build every node with DOM APIs and text nodes.
func TestNoHTMLSinks(t *testing.T) {
	sinks := regexp.MustCompile(`innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function|createContextualFragment`)
	err := fs.WalkDir(sources, "src", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		data, err := fs.ReadFile(sources, p)
		if m := sinks.Find(data); m != nil {
			t.Errorf("%s uses %s", p, m)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestDevSource checks that a Source on disk builds like the embedded one.
func TestDevSource(t *testing.T) {
	a := mustBuild(t, BuildOptions{})
	b := mustBuild(t, BuildOptions{Source: os.DirFS("src")})
	if a.PanelScript() != b.PanelScript() || a.LoaderETag() != b.LoaderETag() {
		t.Error("building from os.DirFS(\"src\") differs from the embedded sources")
	}
}
