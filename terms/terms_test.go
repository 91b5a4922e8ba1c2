package terms

import (
	"slices"
	"strings"
	"testing"
)

func TestIndexAndQuery(t *testing.T) {
	idx := Index("充值没到账, I was REFUNDED twice; order #A-1009 ann@example.com 退")
	for _, want := range []string{"充", "充值", "值没", "账", "refund", "twice", "a", "1009", "ann", "exampl", "com", "退"} {
		if !slices.Contains(idx, want) {
			t.Errorf("Index lacks %q: %q", want, idx)
		}
	}
	for _, q := range []struct {
		in   string
		want []string
	}{
		{"退", []string{"退"}},
		{"充值", []string{"充值"}},
		{"充值卡", []string{"充值", "值卡"}},
		{"Refunds", []string{"refund"}},
		{"refunding 充值", []string{"refund", "充值"}},
		{"  ;; ", nil},
		{"ORD-2024x", []string{"ord", "2024x"}},
	} {
		if got := Query(q.in); !slices.Equal(got, q.want) {
			t.Errorf("Query(%q) = %q, want %q", q.in, got, q.want)
		}
	}
	// Every query term of a text is among its index terms.
	for _, text := range []string{"我的充值还没有到账", "Where is my refund?", "退款 refunds 退"} {
		for _, q := range Query(text) {
			if !slices.Contains(Index(text), q) {
				t.Errorf("Query(%q) holds %q, which Index does not", text, q)
			}
		}
	}
}

func TestQueryIsBounded(t *testing.T) {
	if got := Query(strings.Repeat("alpha beta gamma delta ", 5) + "x y z w v u"); len(got) > MaxQuery {
		t.Errorf("Query kept %d terms, more than %d", len(got), MaxQuery)
	}
	if got := Index(strings.Repeat("a", maxWord+1)); len(got) != 0 {
		t.Errorf("a word of %d letters was indexed: %q", maxWord+1, got)
	}
}

func TestTokenIsNoWord(t *testing.T) {
	tok := Token('s', "demo")
	if tok != "_s64656d6f" {
		t.Errorf("Token = %q", tok)
	}
	if slices.Contains(Index(tok), tok) || slices.Contains(Query(tok), tok) {
		t.Errorf("text %q produced the token itself", tok)
	}
}
