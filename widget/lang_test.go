package widget

import (
	"encoding/json"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// readTable reads one embedded string table.
func readTable(t *testing.T, lang string) map[string]string {
	t.Helper()
	raw, err := fs.ReadFile(sources, "src/i18n/"+lang+".json")
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]string
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("%s: %v", lang, err)
	}
	return m
}

func TestEveryLanguageHasEveryString(t *testing.T) {
	en := readTable(t, "en")
	placeholder := regexp.MustCompile(`\{[a-z]+\}`)
	for _, lang := range Languages() {
		t.Run(lang, func(t *testing.T) {
			table := readTable(t, lang)
			for key, want := range en {
				got, ok := table[key]
				if !ok || strings.TrimSpace(got) == "" {
					t.Errorf("missing %q", key)
					continue
				}
				if w, g := placeholder.FindAllString(want, -1), placeholder.FindAllString(got, -1); strings.Join(w, ",") != strings.Join(g, ",") {
					t.Errorf("%q has placeholders %v, en has %v", key, g, w)
				}
			}
			for key := range table {
				if _, ok := en[key]; !ok {
					t.Errorf("%q is not in the en table", key)
				}
			}
		})
	}
}

// TestTablesMatchLanguages keeps the i18n folder and Languages in step.
func TestTablesMatchLanguages(t *testing.T) {
	entries, err := fs.ReadDir(sources, "src/i18n")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, strings.TrimSuffix(e.Name(), path.Ext(e.Name())))
	}
	langs := Languages()
	sort.Strings(files)
	sort.Strings(langs)
	if strings.Join(files, " ") != strings.Join(langs, " ") {
		t.Errorf("tables %v, languages %v", files, langs)
	}
}

// TestCodeUsesKnownKeys finds string keys in the panel's t(…) calls that
// the en table lacks, and checks the keys the panel picks at run time.
func TestCodeUsesKnownKeys(t *testing.T) {
	en := readTable(t, "en")
	call := regexp.MustCompile(`\bt\(([^()]*)`)
	quoted := regexp.MustCompile(`'([A-Za-z]+)'`)
	err := fs.WalkDir(sources, "src/panel", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := fs.ReadFile(sources, p)
		for _, args := range call.FindAllSubmatch(data, -1) {
			for _, m := range quoted.FindAllSubmatch(args[1], -1) {
				if _, ok := en[string(m[1])]; !ok {
					t.Errorf("%s: t(%s) uses %q, which has no string", p, args[1], m[1])
				}
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	// Keys that reach t() through variables: message states, form results
	// and errors, feedback categories.
	for _, key := range strings.Fields("sending sent read failed badEmail empty pickStar leaveDone fbDone rateDone tooFast error suggestion complaint bug praise bubble closeChat title noscript") {
		if _, ok := en[key]; !ok {
			t.Errorf("the panel needs %q, which has no string", key)
		}
	}
}

func TestMatchLanguage(t *testing.T) {
	for _, tc := range []struct{ tag, want string }{
		{"zh-CN", "zh-CN"}, {"zh", "zh-CN"}, {"zh-Hans-CN", "zh-CN"}, {"zh-SG", "zh-CN"},
		{"zh-TW", "zh-TW"}, {"zh-HK", "zh-TW"}, {"zh-Hant", "zh-TW"}, {"zh_tw", "zh-TW"},
		{"en-US", "en"}, {"EN", "en"}, {"pt-BR", "pt"}, {"in", "id"}, {"ar-EG", "ar"},
		{"", ""}, {"xx", ""}, {"english", ""},
	} {
		if got := MatchLanguage(tc.tag); got != tc.want {
			t.Errorf("MatchLanguage(%q) = %q, want %q", tc.tag, got, tc.want)
		}
	}
}

func TestDir(t *testing.T) {
	for _, lang := range Languages() {
		want := "ltr"
		if lang == "ar" {
			want = "rtl"
		}
		if got := Dir(lang); got != want {
			t.Errorf("Dir(%q) = %q, want %q", lang, got, want)
		}
	}
}
