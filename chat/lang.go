package chat

import "strings"

// Languages returns the languages kefu speaks, as BCP 47 tags, English
// first: the widget's string tables, and the languages a FAQ entry may be
// written in.
func Languages() []string {
	return []string{"en", "zh-CN", "zh-TW", "ja", "ko", "es", "fr", "de", "pt", "ru", "vi", "th", "id", "ar"}
}

// Language returns the tag of Languages that tag names, whatever its
// case ("zh-cn" gives "zh-CN"), and whether there is one.
func Language(tag string) (string, bool) {
	tag = strings.TrimSpace(tag)
	for _, l := range Languages() {
		if strings.EqualFold(l, tag) {
			return l, true
		}
	}
	return "", false
}
