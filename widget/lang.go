package widget

import "strings"

// languages are the supported languages, as BCP 47 tags, English first
// because it is the fallback and the reference table.
var languages = [...]string{"en", "zh-CN", "zh-TW", "ja", "ko", "es", "fr", "de", "pt", "ru", "vi", "th", "id", "ar"}

// Languages returns the supported language tags.
func Languages() []string { return append([]string(nil), languages[:]...) }

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
	for _, l := range languages {
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
