// Package assets holds kefu's own pages: the demo site served at / and the
// agents' inbox at /inbox, and the demo site's sample FAQ. The inbox's
// scripts and styles are in pages/inbox/, served at /inbox/assets/NAME;
// they are plain ES modules that the browser loads as they are, with no
// build step.
package assets

import (
	"embed"
	"io/fs"
)

//go:embed pages faq
var files embed.FS

// Pages is the set of pages the server serves.
type Pages struct {
	fs   fs.FS
	demo bool
}

// New returns the pages; without demo, the demo page is left out.
func New(demo bool) *Pages {
	sub, _ := fs.Sub(files, "pages")
	return &Pages{fs: sub, demo: demo}
}

// Open implements fs.FS.
func (p *Pages) Open(name string) (fs.File, error) {
	if name == "demo.html" && !p.demo {
		return nil, fs.ErrNotExist
	}
	return p.fs.Open(name)
}

// DemoFAQ returns the sample FAQ loaded into the demo site on first run: a
// JSON array of entries in zh-CN and en.
func DemoFAQ() ([]byte, error) { return fs.ReadFile(files, "faq/demo.json") }
