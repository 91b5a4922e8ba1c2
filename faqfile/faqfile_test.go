package faqfile

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kefu/kefu/chat"
)

func mustRead(t *testing.T, f Format, data string) []chat.FAQ {
	t.Helper()
	fs, err := Read(context.Background(), strings.NewReader(data), f)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	return fs
}

// readErrors reads data, which must be bad, and returns its row errors.
func readErrors(t *testing.T, f Format, data string) Errors {
	t.Helper()
	fs, err := Read(context.Background(), strings.NewReader(data), f)
	if err == nil {
		t.Fatalf("Read of a bad file: no error, %d entries", len(fs))
	}
	if fs != nil {
		t.Errorf("Read of a bad file returned %d entries, want none", len(fs))
	}
	var es Errors
	if !errors.As(err, &es) {
		t.Fatalf("Read: %v, want Errors", err)
	}
	if !chat.IsCode(err, chat.CodeInvalid) {
		t.Errorf("code = %s, want invalid", chat.ErrorCode(err))
	}
	return es
}

func lines(es Errors) []int {
	var out []int
	for _, e := range es {
		out = append(out, e.Line)
	}
	return out
}

func sample() []chat.FAQ {
	return []chat.FAQ{
		{ID: "refund", Lang: "zh-CN", Category: "payments", Question: "如何退款？", Answer: "在订单页点击“退款”，\n或联系客服。",
			Alternatives: []string{"怎么退钱", "退款流程"}, Published: true, Order: 10},
		{ID: "2fa", Lang: "en", Category: "security", Question: `How do I turn on "2FA", safely?`, Answer: "Settings > Security.", Published: false, Order: -1},
	}
}

func TestRoundTrip(t *testing.T) {
	for _, f := range []Format{JSON, CSV} {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := Write(context.Background(), &buf, f, sample()); err != nil {
				t.Fatal(err)
			}
			got := mustRead(t, f, buf.String())
			if diff := cmp.Diff(sample(), got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadDefaultsAndTidying(t *testing.T) {
	tests := []struct {
		name string
		f    Format
		data string
	}{
		{"json", JSON, `[{"lang":"EN","category":" pay ","question":"  Refund? ","answer":"Yes.","alternatives":["", " money back "]}]`},
		{"csv", CSV, "\ufeffQuestion,Answer,LANG,category,alternatives\n  Refund? ,Yes.,en,pay,| money back |\n\n"},
	}
	want := []chat.FAQ{{Lang: "en", Category: "pay", Question: "Refund?", Answer: "Yes.", Alternatives: []string{"money back"}, Published: true}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(want, mustRead(t, tt.f, tt.data)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadReportsEveryBadRow(t *testing.T) {
	tests := []struct {
		name      string
		f         Format
		data      string
		wantLines []int
		wantText  string
	}{
		{
			name: "json rows",
			f:    JSON,
			data: `[
  {"id": "a", "lang": "en", "category": "c", "question": "Q1", "answer": "A"},
  {"id": "b", "lang": "english!", "category": "c", "question": "Q2", "answer": "A"},
  {"id": "c", "lang": "en", "category": "c", "question": "", "answer": "A"},
  {"id": "a", "lang": "en", "category": "c", "question": "Q4", "answer": "A"},
  {"id": "d", "lang": "en", "category": "c", "question": "Q5", "answer": "A", "order": "first"},
  {"id": "e", "lang": "en", "category": "c", "quesion": "Q6", "answer": "A"}
]`,
			wantLines: []int{3, 4, 5, 6, 7},
			wantText:  `id "a" is already used on line 2`,
		},
		{
			name: "unknown languages, empty categories, one question twice",
			f:    JSON,
			data: `[
  {"lang": "xx", "category": "c", "question": "Q1", "answer": "A"},
  {"lang": "en", "category": " ", "question": "Q2", "answer": "A"},
  {"lang": "en", "category": "c", "question": "Same  question", "answer": "A"},
  {"lang": "EN", "category": "d", "question": "same question", "answer": "B"},
  {"lang": "zh-CN", "category": "c", "question": "Same question", "answer": "A"}
]`,
			wantLines: []int{2, 3, 5},
			wantText:  `the same question in en is already on line 4`,
		},
		{
			name: "ids the API could not address",
			f:    JSON,
			data: `[
  {"id": "a.b", "lang": "en", "category": "c", "question": "Q1", "answer": "A"},
  {"id": "ok-id_1", "lang": "en", "category": "c", "question": "Q2", "answer": "A"},
  {"id": "x/y", "lang": "en", "category": "c", "question": "Q3", "answer": "A"}
]`,
			wantLines: []int{2, 4},
			wantText:  `id "a.b" may hold only letters, digits, '-' and '_'`,
		},
		{
			name:      "json syntax",
			f:         JSON,
			data:      "[\n{\"lang\": \"en\", \"category\": \"c\", \"question\": \"Q\", \"answer\": \"A\"},\n{\"lang\": \"en\" \"question\": 1}\n]",
			wantLines: []int{3},
		},
		{
			name:      "json not an array",
			f:         JSON,
			data:      `{"lang": "en"}`,
			wantLines: []int{1},
			wantText:  "array",
		},
		{
			name: "csv rows",
			f:    CSV,
			data: "id,lang,category,question,answer,published,order\n" +
				"a,en,c,Q1,A,true,1\n" +
				"b,en,c,,A,true,2\n" +
				"c,en,c,Q3,A,maybe,x\n" +
				"d,en,c,\"multi\nline\",A,yes,3\n" +
				"e,en,c,Q\n" +
				"f!,en,c,Q7,A,no,4\n",
			wantLines: []int{3, 4, 4, 7, 8},
			wantText:  `published "maybe" is not true or false`,
		},
		{
			name:      "csv header",
			f:         CSV,
			data:      "id,language,question,question\nx,en,Q,Q\n",
			wantLines: []int{1, 1, 1, 1},
			wantText:  `unknown column "language"`,
		},
		{
			name:      "csv empty",
			f:         CSV,
			data:      "",
			wantLines: []int{1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			es := readErrors(t, tt.f, tt.data)
			if diff := cmp.Diff(tt.wantLines, lines(es)); diff != "" {
				t.Errorf("lines (-want +got):\n%s\nerrors: %v", diff, es)
			}
			if tt.wantText != "" && !strings.Contains(es.Error(), tt.wantText) {
				t.Errorf("errors %q do not say %q", es.Error(), tt.wantText)
			}
		})
	}
}

func TestReadLimits(t *testing.T) {
	long := strings.Repeat("长", 501) // the API's limit is 500
	es := readErrors(t, CSV, "lang,category,question,answer\nen,c,"+long+",A\n")
	if diff := cmp.Diff([]int{2}, lines(es)); diff != "" {
		t.Errorf("lines (-want +got):\n%s", diff)
	}
	huge := bytes.Repeat([]byte(" "), MaxFileSize+1)
	if _, err := Read(context.Background(), bytes.NewReader(huge), JSON); err == nil {
		t.Error("a file over MaxFileSize was read")
	}
}

func TestFormatOf(t *testing.T) {
	tests := []struct {
		name string
		want Format
		ok   bool
	}{
		{"faq.json", JSON, true},
		{"FAQ.CSV", CSV, true},
		{"faq.xlsx", "", false},
		{"faq", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FormatOf(tt.name)
			if got != tt.want || (err == nil) != tt.ok {
				t.Errorf("FormatOf(%q) = %q, %v", tt.name, got, err)
			}
		})
	}
}

// TestDemoFile checks that the demo site's sample FAQ is a valid import
// file.
func TestDemoFile(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "assets", "faq", "demo.json"))
	if err != nil {
		t.Fatal(err)
	}
	fs := mustRead(t, JSON, string(data))
	langs := make(map[string]int)
	for _, f := range fs {
		langs[f.Lang]++
	}
	if langs["zh-CN"] < 40 || langs["en"] < 40 {
		t.Errorf("demo.json has %v entries per language, want 40 or more each", langs)
	}
}
