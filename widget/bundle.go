package widget

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"maps"
	"path"
)

// Bundle is the built widget. It is read-only and safe for concurrent use.
type Bundle struct {
	loader     []byte
	loaderETag string
	files      map[string][]byte // hashed name -> content
	panelJS    string
	panelCSS   string
	uploadJS   string
	langFiles  map[string]string // language -> hashed name of its strings
	tables     map[string][]byte // language -> compact JSON strings
	lookup     map[string]map[string]string
}

// Loader returns the loader script, to be served at LoaderPath with
// Cache-Control: no-cache and the ETag from LoaderETag.
func (b *Bundle) Loader() []byte { return b.loader }

// LoaderETag returns the loader's strong ETag, quotes included.
func (b *Bundle) LoaderETag() string { return b.loaderETag }

// Files returns a copy of the content-hashed assets by name (for example
// "panel.3f9a1c2b.js"). They are served under AssetPrefix with
// Cache-Control: public, max-age=31536000, immutable.
func (b *Bundle) Files() map[string][]byte { return maps.Clone(b.files) }

// FS returns the content-hashed assets as a flat file system, for the
// server to mount under AssetPrefix.
func (b *Bundle) FS() fs.FS { return memFS(b.files) }

// PanelScript returns the hashed file name of the chat panel's script.
func (b *Bundle) PanelScript() string { return b.panelJS }

// PanelStyle returns the hashed file name of the chat panel's stylesheet.
func (b *Bundle) PanelStyle() string { return b.panelCSS }

// UploadScript returns the hashed file name of the script the panel
// fetches the first time a visitor sends a file.
func (b *Bundle) UploadScript() string { return b.uploadJS }

// StringsFile returns the hashed file name of a language's string table, or
// "" if the language is not supported.
func (b *Bundle) StringsFile(lang string) string { return b.langFiles[lang] }

// contentHash returns the first n hex digits of content's SHA-256.
func contentHash(content []byte, n int) string {
	sum := sha256.Sum256(content)
	return hex.EncodeToString(sum[:])[:n]
}

// ContentType returns the Content-Type header for a widget file name.
func ContentType(name string) string {
	switch path.Ext(name) {
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".json":
		return "application/json; charset=utf-8"
	case ".html":
		return "text/html; charset=utf-8"
	}
	return "application/octet-stream"
}
