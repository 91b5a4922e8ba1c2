package server

import "testing"

func TestPickLanguage(t *testing.T) {
	m := map[string]string{"zh-CN": "您好", "en": "Hi"}
	tests := []struct {
		name, lang, exact, fallback string
	}{
		{"exact", "zh-CN", "您好", "您好"},
		{"base", "en-GB", "Hi", "Hi"},
		{"missing: the widget's own words, or the default for labels", "ar", "", "您好"},
		{"other Chinese", "zh-TW", "", "您好"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pickExact(m, tt.lang); got != tt.exact {
				t.Fatalf("pickExact = %q", got)
			}
			if got := pick(m, tt.lang, "zh-CN"); got != tt.fallback {
				t.Fatalf("pick = %q", got)
			}
		})
	}
}
