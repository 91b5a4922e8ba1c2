package attach

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxName bounds a cleaned file name, in bytes.
const maxName = 200

// CleanName returns a file name fit to show: its last path element only,
// without control characters or the invisible marks that reorder text
// (a right-to-left override makes "gpj.exe" look like "exe.jpg"), trimmed
// to 200 bytes on a character boundary, and "file" when nothing is left.
// The name is for display only; files are stored by their content's hash.
func CleanName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) || r == utf8.RuneError || unicode.In(r, unicode.Cf) {
			return -1
		}
		return r
	}, name)
	name = strings.Trim(strings.TrimSpace(name), ".")
	for len(name) > maxName {
		_, size := utf8.DecodeLastRuneInString(name)
		name = name[:len(name)-size]
	}
	if name == "" {
		return "file"
	}
	return name
}
