package widget

import (
	"strings"

	"github.com/kefu/kefu/chat"
)

// Languages returns the supported language tags, English first because it
// is the fallback and the reference table.
func Languages() []string { return chat.Languages() }

// MatchLanguage maps a BCP 47 tag such as "zh-Hant-HK", "pt-BR" or "EN_us" to
// a supported language, or returns "" if there is none. It agrees with the
// widget's JavaScript, which chooses the language in the browser.
func MatchLanguage(tag string) string {
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(tag), "_", "-"))
	primary, rest, _ := strings.Cut(t, "-")
	switch primary {
	case "":
		return ""
	case "zh":
		for _, sub := range strings.Split(rest, "-") {
			switch sub {
			case "tw", "hk", "mo", "hant":
				return "zh-TW"
			}
		}
		return "zh-CN"
	case "in": // the old code for Indonesian
		return "id"
	}
	for _, l := range chat.Languages() {
		if l == primary {
			return l
		}
	}
	return ""
}

// Dir returns the text direction of a supported language: "rtl" or "ltr".
func Dir(lang string) string {
	if lang == "ar" {
		return "rtl"
	}
	return "ltr"
}
