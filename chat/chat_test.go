package chat

import (
	"strings"
	"sync"
	"testing"
	"time"
)

func TestValidKey(t *testing.T) {
	tests := []struct {
		name string
		in   string
		ok   bool
	}{
		{"plain", "demo", true},
		{"dash underscore", "a-b_C9", true},
		{"empty", "", false},
		{"operator", "$ne", false},
		{"dot", "a.b", false},
		{"space", "a b", false},
		{"slash", "a/b", false},
		{"too long", strings.Repeat("a", 65), false},
		{"unicode", "客服", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ValidKey(tt.in); got != tt.ok {
				t.Fatalf("ValidKey(%q) = %v", tt.in, got)
			}
		})
	}
	if id := NewID(); !ValidKey(id) || len(id) != 20 {
		t.Fatalf("NewID() = %q", id)
	}
}

func TestValidateText(t *testing.T) {
	tests := []struct {
		name, in, want string
		code           Code
	}{
		{"trimmed", "  你好 ", "你好", ""},
		{"empty", " \n ", "", CodeInvalid},
		{"invalid UTF-8", "a\xffb", "", CodeInvalid},
		{"at the limit", strings.Repeat("字", MaxTextRunes), strings.Repeat("字", MaxTextRunes), ""},
		{"over the limit", strings.Repeat("字", MaxTextRunes+1), "", CodeInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ValidateText(tt.in)
			if ErrorCode(err) != tt.code || got != tt.want {
				t.Fatalf("ValidateText = %q, %v", got, err)
			}
		})
	}
}

func TestOpenAt(t *testing.T) {
	h := BusinessHours{Timezone: "Asia/Shanghai", Days: []OpenSpan{{Weekday: time.Monday, FromMin: 9 * 60, UntilMin: 18 * 60}}}
	mon := func(hh, mm int) time.Time {
		loc, _ := time.LoadLocation("Asia/Shanghai")
		return time.Date(2026, 11, 23, hh, mm, 0, 0, loc) // a Monday
	}
	tests := []struct {
		name string
		h    BusinessHours
		at   time.Time
		want bool
	}{
		{"no hours means always open", BusinessHours{}, mon(3, 0), true},
		{"inside", h, mon(10, 0), true},
		{"at opening", h, mon(9, 0), true},
		{"at closing", h, mon(18, 0), false},
		{"before", h, mon(8, 59), false},
		{"other day", h, mon(10, 0).AddDate(0, 0, 1), false},
		{"UTC instant inside Shanghai hours", h, mon(10, 0).UTC(), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := OpenAt(tt.h, tt.at); got != tt.want {
				t.Fatalf("OpenAt = %v", got)
			}
		})
	}
}

func TestValidateFAQ(t *testing.T) {
	good := FAQ{Lang: "zh-cn", Category: " 提现 ", Question: " 怎么提现？ ", Answer: "在钱包页点提现。", Alternatives: []string{" 提款 ", ""}}
	if err := ValidateFAQ(&good); err != nil || good.Lang != "zh-CN" || good.Category != "提现" || good.Question != "怎么提现？" || len(good.Alternatives) != 1 || good.Alternatives[0] != "提款" {
		t.Fatalf("ValidateFAQ = %+v, %v", good, err)
	}
	tests := []struct {
		name string
		f    FAQ
	}{
		{"no lang", FAQ{Category: "c", Question: "q", Answer: "a"}},
		{"bad lang", FAQ{Lang: "$x", Category: "c", Question: "q", Answer: "a"}},
		{"unknown lang", FAQ{Lang: "xx", Category: "c", Question: "q", Answer: "a"}},
		{"no category", FAQ{Lang: "en", Category: "  ", Question: "q", Answer: "a"}},
		{"long category", FAQ{Lang: "en", Category: strings.Repeat("类", 65), Question: "q", Answer: "a"}},
		{"no question", FAQ{Lang: "en", Category: "c", Answer: "a"}},
		{"no answer", FAQ{Lang: "en", Category: "c", Question: "q"}},
		{"too many alternatives", FAQ{Lang: "en", Category: "c", Question: "q", Answer: "a", Alternatives: make([]string, 21)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := ValidateFAQ(&tt.f); ErrorCode(err) != CodeInvalid {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestKeyedMutexSerializesPerKey(t *testing.T) {
	k := newKeyedMutex()
	var wg sync.WaitGroup
	counts := map[string]int{}
	var mu sync.Mutex // guards map access only; the keyed lock guards the read-modify-write
	for i := 0; i < 200; i++ {
		key := []string{"a", "b"}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			unlock := k.lock(key)
			defer unlock()
			mu.Lock()
			v := counts[key]
			mu.Unlock()
			time.Sleep(10 * time.Microsecond)
			mu.Lock()
			counts[key] = v + 1
			mu.Unlock()
		}()
	}
	wg.Wait()
	if counts["a"] != 100 || counts["b"] != 100 {
		t.Fatalf("counts = %v, want 100 each", counts)
	}
	if len(k.locks) != 0 {
		t.Fatalf("%d lock entries left", len(k.locks))
	}
}
