package chat

import (
	"slices"
	"strings"
)

// FilePolicy is what files a site takes from its visitors and agents. A
// zero field means kefu's default, so a site that never set one keeps
// today's behaviour.
type FilePolicy struct {
	// MaxMB is the largest file, in MB: 1 to MaxFileMB; 0 is MaxFileMB.
	// The ceiling is the server's: an upload's body is bounded before
	// the site is known.
	MaxMB int `json:"max_mb"`
	// PerMessage is how many files one message carries: 1 to
	// MaxFilesPerMessage; 0 is DefaultFilesPerMessage.
	PerMessage int `json:"per_message"`
	// PerHour is how many files one visitor uploads an hour: 1 to
	// MaxUploadsPerHour; 0 is DefaultUploadsPerHour. Agents are not
	// limited.
	PerHour int `json:"per_hour"`
	// Extra are the kinds of file taken besides images, PDF and plain
	// text, from ExtraFileKinds. They are always served as downloads.
	Extra []string `json:"extra_types"`
}

// Bounds of a site's FilePolicy.
const (
	MaxFileMB              = 10
	DefaultFilesPerMessage = 5
	MaxFilesPerMessage     = 10
	DefaultUploadsPerHour  = 30
	// MaxUploadsPerHour is also what one address may upload an hour,
	// whichever visitors it has: more per visitor would change nothing.
	MaxUploadsPerHour = 120
)

// The extra kinds of file a site may take (package attach says which
// types each one is, by content).
const (
	FilesZip   = "zip"   // ZIP archives, and documents that are ZIPs (docx, xlsx, pptx)
	FilesAudio = "audio" // MP3, M4A, WAV, Ogg
	FilesVideo = "video" // MP4, MOV, WebM
)

// ExtraFileKinds are the kinds a FilePolicy's Extra may name.
func ExtraFileKinds() []string { return []string{FilesZip, FilesAudio, FilesVideo} }

// MaxBytes is the largest file the site takes.
func (p FilePolicy) MaxBytes() int64 { return int64(p.Effective().MaxMB) << 20 }

// Effective returns p with its zero fields set to the defaults, and a
// non-nil Extra.
func (p FilePolicy) Effective() FilePolicy {
	if p.MaxMB <= 0 {
		p.MaxMB = MaxFileMB
	}
	if p.PerMessage <= 0 {
		p.PerMessage = DefaultFilesPerMessage
	}
	if p.PerHour <= 0 {
		p.PerHour = DefaultUploadsPerHour
	}
	p.Extra = append([]string{}, p.Extra...)
	return p
}

// check returns p with its extra kinds in ExtraFileKinds' order, each
// once, or says which field is out of bounds.
func (p FilePolicy) check() (FilePolicy, error) {
	switch {
	case p.MaxMB < 0 || p.MaxMB > MaxFileMB:
		return p, Invalid("files.max_mb must be 1 to %d (0 for %d)", MaxFileMB, MaxFileMB)
	case p.PerMessage < 0 || p.PerMessage > MaxFilesPerMessage:
		return p, Invalid("files.per_message must be 1 to %d (0 for %d)", MaxFilesPerMessage, DefaultFilesPerMessage)
	case p.PerHour < 0 || p.PerHour > MaxUploadsPerHour:
		return p, Invalid("files.per_hour must be 1 to %d (0 for %d)", MaxUploadsPerHour, DefaultUploadsPerHour)
	}
	kinds := ExtraFileKinds()
	for _, k := range p.Extra {
		if !slices.Contains(kinds, k) {
			return p, Invalid("files.extra_types: %q is not one of %s", clip(k, 16), strings.Join(kinds, ", "))
		}
	}
	var extra []string
	for _, k := range kinds {
		if slices.Contains(p.Extra, k) {
			extra = append(extra, k)
		}
	}
	p.Extra = extra
	return p, nil
}
