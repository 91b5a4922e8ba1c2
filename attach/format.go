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
	case Text:
		return "plain text"
	case JPEG:
		return "JPEG"
	case WebP:
		return "WebP"
	case Ogg:
		return "Ogg"
	case WebM:
		return "WebM"
	}
	return strings.ToUpper(t.exts()[0][1:])
}

// exts are the extensions of a type's files, the usual one first. They
// only help a browser's file picker: kefu goes by the content.
func (t Type) exts() []string {
	switch t {
	case JPEG:
		return []string{".jpg", ".jpeg"}
	case Text:
		return []string{".txt", ".csv", ".log"}
	case ZIP:
		return []string{".zip", ".docx", ".xlsx", ".pptx"}
	case Ogg:
		return []string{".ogg", ".oga", ".opus"}
	case MOV:
		return []string{".mov"}
	case MP3:
		return []string{".mp3"}
	case M4A:
		return []string{".m4a"}
	}
	// image/png → .png, video/mp4 → .mp4, and so on.
	_, sub, _ := strings.Cut(string(t), "/")
	return []string{"." + sub}
}

// names lists types as people read them: "PNG, JPEG, PDF".
func names(ts []Type) string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.label()
	}
	return strings.Join(out, ", ")
}
