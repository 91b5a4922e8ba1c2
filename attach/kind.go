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

	"github.com/kefu/kefu/chat"
)

// Type is a file type kefu recognises, as a MIME type.
type Type string

// The types kefu recognises. Only these are ever accepted: the default
// ones, and those of the extra kinds a site takes (see PolicyOf). Markup
// and scripts (HTML, SVG, XML) are none of them, whatever a site says.
const (
	PNG  Type = "image/png"
	JPEG Type = "image/jpeg"
	GIF  Type = "image/gif"
	WebP Type = "image/webp"
	PDF  Type = "application/pdf"
	Text Type = "text/plain"

	ZIP  Type = "application/zip" // also docx, xlsx and pptx, which are ZIPs
	MP3  Type = "audio/mpeg"
	M4A  Type = "audio/mp4"
	WAV  Type = "audio/wav"
	Ogg  Type = "audio/ogg"
	MP4  Type = "video/mp4"
	MOV  Type = "video/quicktime"
	WebM Type = "video/webm"
)

// DefaultTypes are the types a site allows unless it says otherwise.
func DefaultTypes() []Type { return []Type{PNG, JPEG, GIF, WebP, PDF, Text} }

// KindTypes are the types of one of a site's extra kinds
// (chat.ExtraFileKinds), or nil for an unknown kind.
func KindTypes(kind string) []Type {
	switch kind {
	case chat.FilesZip:
		return []Type{ZIP}
	case chat.FilesAudio:
		return []Type{MP3, M4A, WAV, Ogg}
	case chat.FilesVideo:
		return []Type{MP4, MOV, WebM}
	}
	return nil
}

// Image reports whether t is an image kefu re-encodes and shows inline.
func (t Type) Image() bool { return t == PNG || t == JPEG || t == GIF || t == WebP }

// Sniff returns the type of data by its content, or "" when it is none of
// the recognised types: executables, HTML, SVG, XML and other scriptable
// or unknown content are "".
func Sniff(data []byte) Type {
	riff := func(form string) bool {
		return len(data) >= 12 && bytes.Equal(data[:4], []byte("RIFF")) && bytes.Equal(data[8:12], []byte(form))
	}
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case riff("WEBP"):
		return WebP
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("PK\x03\x04")), bytes.HasPrefix(data, []byte("PK\x05\x06")):
		return ZIP
	case riff("WAVE"):
		return WAV
	case bytes.HasPrefix(data, []byte("OggS\x00")):
		return Ogg
	case bytes.HasPrefix(data, []byte("\x1a\x45\xdf\xa3")) && bytes.Contains(data[:min(len(data), 64)], []byte("webm")):
		return WebM
	}
	if t := isoMedia(data); t != "" {
		return t
	}
	if mp3(data) {
		return MP3
	}
	if plainText(data) {
		return Text
	}
	return ""
}

// isoMedia tells MP4, MOV and M4A from their first box, "ftyp", by its
// brand. Other brands of the same format, such as HEIC photos, are "".
func isoMedia(data []byte) Type {
	if len(data) < 12 || data[0] != 0 || !bytes.Equal(data[4:8], []byte("ftyp")) {
		return ""
	}
	switch string(data[8:12]) {
	case "qt  ":
		return MOV
	case "M4A ", "M4B ":
		return M4A
	case "isom", "iso2", "iso4", "iso5", "iso6", "mp41", "mp42", "avc1", "M4V ", "MSNV", "3gp4", "3gp5":
		return MP4
	}
	return ""
}

// mp3 reports whether data starts as MP3 does: an ID3v2 tag (version 2
// to 4, with a size in 7-bit bytes), or an MPEG audio frame header whose
// version, layer, bit rate and sample rate are all valid.
func mp3(data []byte) bool {
	if len(data) >= 10 && bytes.HasPrefix(data, []byte("ID3")) {
		return data[3] >= 2 && data[3] <= 4 && data[6]|data[7]|data[8]|data[9] < 0x80
	}
	if len(data) < 4 || data[0] != 0xff || data[1]&0xe0 != 0xe0 {
		return false
	}
	version, layer := data[1]>>3&3, data[1]>>1&3
	bitrate, rate := data[2]>>4, data[2]>>2&3
	return version != 1 && layer != 0 && bitrate != 0 && bitrate != 15 && rate != 3
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
