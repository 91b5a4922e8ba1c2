package attach

import (
	"fmt"
	"strings"
)

// size formats a byte count as people read it: 512 B, 300 KB, 10 MB.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.3g MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.3g KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// label is how a type is named to people.
func (t Type) label() string {
	switch t {
	case PNG:
		return "PNG"
	case JPEG:
		return "JPEG"
	case GIF:
		return "GIF"
	case WebP:
		return "WebP"
	case PDF:
		return "PDF"
	case Text:
		return "plain text"
	}
	return string(t)
}

// names lists types as people read them: "PNG, JPEG, PDF".
func names(ts []Type) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.label()
	}
	return strings.Join(out, ", ")
}
