// Package attach decides what an uploaded file is and makes it safe to
// keep and to serve: it sniffs the type from the content (never from the
// name or the client's header), refuses what a site does not allow,
// decodes and re-encodes images (dropping their metadata, such as a
// photo's GPS position) with a thumbnail, refuses decompression bombs
// before decoding their pixels, cleans file names for display, and signs
// the short-lived URLs that serve files.
package attach

import (
	"bytes"
	"net/http"
	"slices"
	"unicode/utf8"
)

// Type is a file type kefu recognises, as a MIME type.
type Type string

// The types kefu recognises. Only these are ever accepted; a site may
// allow fewer (see Policy).
const (
	PNG  Type = "image/png"
	JPEG Type = "image/jpeg"
	GIF  Type = "image/gif"
	WebP Type = "image/webp"
	PDF  Type = "application/pdf"
	Text Type = "text/plain"
)

// DefaultTypes are the types a site allows unless it says otherwise.
func DefaultTypes() []Type { return []Type{PNG, JPEG, GIF, WebP, PDF, Text} }

// Image reports whether t is an image kefu re-encodes and shows inline.
func (t Type) Image() bool { return t == PNG || t == JPEG || t == GIF || t == WebP }

// Sniff returns the type of data by its content, or "" when it is none of
// the recognised types: executables, archives, HTML, SVG, XML and other
// scriptable or unknown content are "".
func Sniff(data []byte) Type {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte("WEBP")):
		return WebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	}
	if plainText(data) {
		return Text
	}
	return ""
}

// plainText reports whether data is UTF-8 text that no browser would take
// for markup: no NUL or other binary control bytes, and nothing that the
// standard sniffer calls HTML or XML (which covers SVG).
func plainText(data []byte) bool {
	if len(data) == 0 || !utf8.Valid(data) {
		return false
	}
	for _, b := range data {
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' {
			return false
		}
	}
	ct := http.DetectContentType(data)
	if !bytes.HasPrefix([]byte(ct), []byte("text/plain")) {
		return false
	}
	// The standard sniffer looks at the start only; markup further in is
	// still markup to a browser that guesses.
	lower := bytes.ToLower(data[:min(len(data), 4096)])
	return !slices.ContainsFunc([]string{"<svg", "<html", "<script", "<!doctype", "<?xml", "<iframe", "<body"}, func(tag string) bool {
		return bytes.Contains(lower, []byte(tag))
	})
}
