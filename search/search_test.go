package search

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kefu/kefu/chat"
)

func faq(site, id, lang, question, answer string, alts ...string) chat.FAQ {
	return chat.FAQ{ID: id, Site: site, Lang: lang, Question: question, Answer: answer, Alternatives: alts, Published: true}
}

// twoSites returns an index holding the same refund entry for sites a and
// b, with different ids, plus one entry only b has.
func twoSites(t *testing.T) *Index {
	t.Helper()
	x := mustOpenMem(t, defaultOptions())
	mustIndex(t, x,
		faq("a", "a-refund", "zh-CN", "如何申请退款？", "在订单页点击申请退款。", "怎么退钱"),
		faq("a", "a-2fa", "en", "How do I turn on two-factor authentication?", "Open Settings > Security."),
		faq("b", "b-refund", "zh-CN", "如何申请退款？", "在订单页点击申请退款。", "怎么退钱"),
		faq("b", "b-secret", "en", "Where is the other site's secret page?", "other site secret site:other"),
	)
	return x
}

func TestSuggestStaysInSite(t *testing.T) {
	x := twoSites(t)
	tests := []struct {
		name, site, text string
		want             []string
	}{
		{"same text, site a", "a", "退款", []string{"a-refund"}},
		{"same text, site b", "b", "退款", []string{"b-refund"}},
		{"words only b has", "a", "other site secret page", nil},
		{"unknown site", "c", "退款", nil},
		{"empty site", "", "退款", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := suggestIDs(t, x, tt.site, "zh-CN", tt.text, 10)
			if !slices.Equal(got, tt.want) {
				t.Errorf("Suggest(%q, %q) = %v, want %v", tt.site, tt.text, got, tt.want)
			}
		})
	}
}

// TestSuggestQuerySyntaxIsText feeds bleve query-string syntax and other
// hostile input. None of it may fail, reach site b, or match everything.
func TestSuggestQuerySyntaxIsText(t *testing.T) {
	x := twoSites(t)
	inputs := map[string]string{
		"field":       "site:b",
		"other field": "site:other secret",
		"regexp":      "/.*/",
		"fuzzy":       "a~2",
		"wildcard":    "*",
		"operators":   `+-&&||!(){}[]^"~*?:\/`,
		"boolean":     "退款 OR site:b AND NOT x",
		"long":        strings.Repeat("退款 refund ", 1000)[:10000],
		"long cjk":    strings.Repeat("退", 10000),
		"control":     "\x00\x1f退款\x7f",
		"invalid":     "\xff\xfe退款",
		"empty":       "",
		"spaces":      "   \t\n",
	}
	for name, text := range inputs {
		t.Run(name, func(t *testing.T) {
			for _, id := range suggestIDs(t, x, "a", "en", text, 10) {
				if !strings.HasPrefix(id, "a-") {
					t.Errorf("Suggest(a, %.30q) returned %s of another site", text, id)
				}
				if id == "a-2fa" {
					t.Errorf("Suggest(a, %.30q) matched an unrelated entry: syntax was interpreted", text)
				}
			}
		})
	}
}

func TestSuggestLanguages(t *testing.T) {
	x := mustOpenMem(t, defaultOptions())
	mustIndex(t, x,
		faq("s", "zh-refund", "zh-CN", "如何申请退款？", "在订单页点击“申请退款”。"),
		faq("s", "zh-2fa", "zh-CN", "如何开启两步验证（2FA）？", "进入安全设置。"),
		faq("s", "zh-wd", "zh-CN", "提现多久到账？", "一般当天到账。"),
		faq("s", "en-2fa", "en", "How do I turn on two-factor authentication (2FA)?", "Open Settings."),
		faq("s", "en-wd", "en", "How long do withdrawals take?", "Usually one business day."),
		faq("s", "ja-pw", "ja", "パスワードを忘れました", "ログイン画面から再設定できます。"),
		faq("s", "ko-pw", "ko", "비밀번호를 잊어버렸어요", "로그인 화면에서 재설정하세요."),
		faq("s", "de-wd", "de", "Wie lange dauern Auszahlungen?", "Meist einen Werktag."),
	)
	tests := []struct {
		name, lang, text, want string
	}{
		{"one character finds its word", "zh-CN", "退", "zh-refund"},
		{"traditional finds simplified", "zh-TW", "提現多久到帳", "zh-wd"},
		{"mixed Chinese and English", "zh-CN", "2FA怎么开", "zh-2fa"},
		{"visitor's language first", "en", "2FA", "en-2fa"},
		{"visitor's language first, zh", "zh-CN", "2FA", "zh-2fa"},
		{"other language when nothing else matches", "en", "退款", "zh-refund"},
		{"English stem", "en", "withdrawal taking long", "en-wd"},
		{"English typo", "en", "withdrawls", "en-wd"},
		{"German stem", "de", "Auszahlung dauert", "de-wd"},
		{"Japanese", "ja", "パスワード", "ja-pw"},
		{"Korean", "ko", "비밀번호", "ko-pw"},
		{"full-width Latin", "zh-CN", "２ＦＡ", "zh-2fa"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := suggestIDs(t, x, "s", tt.lang, tt.text, 3)
			if len(got) == 0 || got[0] != tt.want {
				t.Errorf("Suggest(%q, %q) = %v, want %s first", tt.lang, tt.text, got, tt.want)
			}
		})
	}
	// Other languages follow only when nothing in the visitor's matches
	// well, and say which language they are in.
	for _, tt := range []struct{ lang, text, wantLang string }{
		{"zh-CN", "2FA", "zh"},
		{"en", "2FA", "en"},
		{"en", "退款", "zh"},
	} {
		rs, err := x.Suggest(context.Background(), "s", tt.lang, tt.text, 5)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if r.Lang != tt.wantLang {
				t.Errorf("Suggest(%q, %q) = %+v, want only %s entries", tt.lang, tt.text, rs, tt.wantLang)
				break
			}
		}
	}
}

func TestUnpublishAndDelete(t *testing.T) {
	ctx := context.Background()
	x := mustOpenMem(t, defaultOptions())
	f := faq("s", "1", "zh-CN", "如何申请退款？", "点击退款。")
	g := faq("s", "2", "zh-CN", "退款多久到账？", "三个工作日。")
	mustIndex(t, x, f, g)
	if got := suggestIDs(t, x, "s", "zh", "退款", 5); len(got) != 2 {
		t.Fatalf("before: got %v, want both", got)
	}

	f.Published = false
	if err := x.Index(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got := suggestIDs(t, x, "s", "zh", "退款", 5); !slices.Equal(got, []string{"2"}) {
		t.Errorf("after unpublishing 1: got %v, want [2]", got)
	}
	if err := x.Delete(ctx, "s", "2"); err != nil {
		t.Fatal(err)
	}
	if got := suggestIDs(t, x, "s", "zh", "退款", 5); len(got) != 0 {
		t.Errorf("after deleting 2: got %v, want nothing", got)
	}
	if err := x.Delete(ctx, "s", "never-indexed"); err != nil {
		t.Errorf("deleting an unknown entry: %v", err)
	}
	if n := mustCount(t, x); n != 0 {
		t.Errorf("Count = %d, want 0", n)
	}
}

func TestDeleteSite(t *testing.T) {
	ctx := context.Background()
	x := twoSites(t)
	if err := x.DeleteSite(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if got := suggestIDs(t, x, "a", "zh", "退款", 5); len(got) != 0 {
		t.Errorf("site a after DeleteSite: %v", got)
	}
	if got := suggestIDs(t, x, "b", "zh", "退款", 5); !slices.Equal(got, []string{"b-refund"}) {
		t.Errorf("site b after deleting a: %v", got)
	}
	if n := mustCount(t, x); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

func TestIndexRejectsEntryWithoutKey(t *testing.T) {
	x := mustOpenMem(t, defaultOptions())
	err := x.Index(context.Background(), faq("", "1", "en", "q", "a"))
	if !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("entry without site: err = %v, want invalid", err)
	}
}

func TestCanceledContext(t *testing.T) {
	x := twoSites(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := x.Suggest(ctx, "a", "zh", "退款", 5); err == nil {
		t.Error("Suggest with a canceled context: no error")
	}
	if err := x.Index(ctx, faq("a", "x", "en", "q", "a")); err == nil {
		t.Error("Index with a canceled context: no error")
	}
}

func TestReopenFromDisk(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "faq")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !x.Created() {
		t.Error("new index: Created() = false")
	}
	mustIndex(t, x, faq("s", "1", "zh-CN", "如何申请退款？", "点击退款。"))
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	x, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if x.Created() {
		t.Error("reopened index: Created() = true")
	}
	if got := suggestIDs(t, x, "s", "zh", "退", 5); !slices.Equal(got, []string{"1"}) {
		t.Errorf("after reopening: got %v, want [1]", got)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestOpenRebuildsOtherMappingVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "faq")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustIndex(t, x, faq("s", "1", "en", "refund", "refund"))
	if err := x.bi.SetInternal([]byte(versionKey), []byte("faq-0")); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	x, err = Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if !x.Created() {
		t.Error("index of another mapping version: Created() = false")
	}
	if n := mustCount(t, x); n != 0 {
		t.Errorf("recreated index holds %d entries, want 0", n)
	}
}

// A folder that holds no readable index is moved aside, never deleted, and
// a new index is built in its place.
func TestOpenMovesUnreadableFolderAside(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "faq")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = x.Close() })
	if !x.Created() || x.MovedTo() == "" {
		t.Fatalf("Created %v, MovedTo %q", x.Created(), x.MovedTo())
	}
	if b, err := os.ReadFile(filepath.Join(x.MovedTo(), "notes.txt")); err != nil || string(b) != "mine" {
		t.Errorf("the folder's file was not kept aside: %q %v", b, err)
	}
}

// Random bytes over an index segment made bleve panic inside Open, at every
// start. The index is moved aside and built anew instead.
func TestOpenSurvivesACorruptSegment(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "faq")
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 20 {
		mustIndex(t, x, faq("s", fmt.Sprint(i), "en", fmt.Sprintf("refund question %d", i), "refund answer"))
	}
	if err := x.Compact(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}
	zaps, _ := filepath.Glob(filepath.Join(dir, "store", "*.zap"))
	if len(zaps) == 0 {
		t.Fatal("no segment to corrupt")
	}
	for _, z := range zaps {
		b, err := os.ReadFile(z)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(1, 2))
		for i := len(b) / 4; i < len(b); i++ {
			b[i] = byte(r.IntN(256))
		}
		if err := os.WriteFile(z, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	x, err = Open(dir)
	if err != nil {
		t.Fatalf("Open of a corrupt index: %v", err)
	}
	t.Cleanup(func() { _ = x.Close() })
	// Either Open found the damage, moved the index aside and made a new
	// one; or bleve skipped the segment it could not load ("continuing")
	// and the index holds fewer entries, which the app notices by count
	// and rebuilds from the database. Which one happens depends on where
	// the damage falls.
	n, err := x.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if moved := x.Created() && x.MovedTo() != ""; !moved && n >= 20 {
		t.Fatalf("the damage went unnoticed: Created %v, MovedTo %q, %d entries", x.Created(), x.MovedTo(), n)
	}
	mustIndex(t, x, faq("s", "1", "en", "refund question", "refund answer"))
	if got := suggestIDs(t, x, "s", "en", "refund", 5); !slices.Equal(got, []string{"1"}) {
		t.Errorf("the new index suggests %v, want [1]", got)
	}
}

func TestFoldTables(t *testing.T) {
	f := newFolder()
	if got := f.fold("帳戶凍結，提現沒到賬"); got != "账户冻结,提现没到账" {
		t.Errorf("fold = %q", got)
	}
	if got := f.fold("２ＦＡ　ｏｋ"); got != "2FA ok" {
		t.Errorf("fold = %q", got)
	}
	for trad, simp := range f {
		if trad == simp {
			t.Errorf("%c folds to itself", trad)
		}
		if _, ok := f[simp]; ok {
			t.Errorf("%c folds to %c, which folds again", trad, simp)
		}
	}
}

func mustCount(t *testing.T, x *Index) uint64 {
	t.Helper()
	n, err := x.Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// An entry that shares a word by chance with the query is no suggestion
// next to one that answers it (on the demo FAQ, "I was charged twice"
// holds "Charged two times"); and English n't is one word with or without
// its apostrophe.
func TestSuggestLeavesOutChanceMatches(t *testing.T) {
	demo := mustOpenMem(t, defaultOptions())
	mustIndex(t, demo, loadDemo(t)...)
	if got := suggestIDs(t, demo, demoSite, "en", "how to enable two factor", 5); !slices.Equal(got, []string{"en-security-2fa"}) {
		t.Errorf("two factor = %v, want [en-security-2fa] alone", got)
	}
	x := mustOpenMem(t, defaultOptions())
	mustIndex(t, x,
		faq("s", "login", "en", "Can't log in", "Reset your password."),
		faq("s", "history", "en", "See the log of your log-ins", "Open Settings, then Log."),
	)
	for _, q := range []string{"cant log in", "can't log in", "can’t log in"} {
		if got := suggestIDs(t, x, "s", "en", q, 5); len(got) == 0 || got[0] != "login" {
			t.Errorf("%q = %v, want login first", q, got)
		}
	}
}
