package widget

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
)

// The URL paths the server mounts the widget at. The loader and the panel
// build their URLs from these, so the server must use them as they are.
const (
	// LoaderPath is the stable URL of the loader script.
	LoaderPath = "/widget.js"
	// AssetPrefix is where Bundle.FS is served, with immutable caching.
	AssetPrefix = "/w/"
	// ChatPath is the prefix of the chat page; the site key follows it.
	ChatPath = "/chat/"
)

// Names in dist besides the hashed assets; widget/bundler writes them.
const (
	loaderFile   = "loader.js"
	manifestFile = "manifest.json"
)

// dist is the built widget, written by go generate ./widget (see gen/).
// TestDistIsUpToDate fails when it no longer matches src/.
//
//go:embed dist
var dist embed.FS

// manifest says which hashed file of dist is which.
type manifest struct {
	PanelJS   string            `json:"panel_js"`
	PanelCSS  string            `json:"panel_css"`
	UploadJS  string            `json:"upload_js"`
	LangFiles map[string]string `json:"lang_files"`
}

// Load returns the widget built into kefu.
func Load() (*Bundle, error) {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("widget: %w", err)
	}
	return FromDist(sub)
}

// FromDist returns the widget in a directory that widget/bundler wrote.
func FromDist(fsys fs.FS) (*Bundle, error) {
	read := func(name string) ([]byte, error) {
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("widget: read built %s: %w (run go generate ./widget)", name, err)
		}
		return b, nil
	}
	raw, err := read(manifestFile)
	if err != nil {
		return nil, err
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("widget: read built %s: %w", manifestFile, err)
	}
	b := &Bundle{files: map[string][]byte{}, tables: map[string][]byte{}, langFiles: map[string]string{},
		lookup: map[string]map[string]string{}, panelJS: m.PanelJS, panelCSS: m.PanelCSS, uploadJS: m.UploadJS}
	if b.loader, err = read(loaderFile); err != nil {
		return nil, err
	}
	b.loaderETag = `"` + contentHash(b.loader, 16) + `"`
	for _, name := range []string{m.PanelJS, m.PanelCSS, m.UploadJS} {
		if b.files[name], err = read(path.Clean(name)); err != nil {
			return nil, err
		}
	}
	for _, lang := range Languages() {
		name := m.LangFiles[lang]
		if name == "" {
			return nil, fmt.Errorf("widget: the built widget has no strings for %s (run go generate ./widget)", lang)
		}
		raw, err := read(path.Clean(name))
		if err != nil {
			return nil, err
		}
		var table map[string]string
		if err := json.Unmarshal(raw, &table); err != nil {
			return nil, fmt.Errorf("widget: strings for %s: %w", lang, err)
		}
		b.files[name], b.tables[lang], b.langFiles[lang], b.lookup[lang] = raw, raw, name, table
	}
	return b, nil
}
