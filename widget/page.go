package widget

import (
	"html"
	"strings"
)

// ChatPage renders the chat page for a site, served at ChatPath+site both
// inside the loader's iframe (?embed=1) and as a standalone page. lang is
// the page's initial language; an unsupported or empty lang lets the page
// choose from the site's settings and the browser.
//
// The page has no inline script: configuration is passed in data-
// attributes and the initial strings in a JSON data block, which is never
// executed, so a Content-Security-Policy of script-src 'self' and
// style-src 'self' holds. The caller adds frame-ancestors.
func (b *Bundle) ChatPage(site, lang string) []byte {
	lang = MatchLanguage(lang)
	tag := lang
	if tag == "" {
		tag = "en"
	}
	var s strings.Builder
	s.Grow(len(b.tables[tag]) + 768)
	s.WriteString(`<!doctype html><html lang="`)
	s.WriteString(tag)
	s.WriteString(`" dir="`)
	s.WriteString(Dir(tag))
	s.WriteString(`"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,interactive-widget=resizes-content"><meta name="referrer" content="strict-origin-when-cross-origin"><meta name="robots" content="noindex"><title>`)
	s.WriteString(html.EscapeString(b.tableString(tag, "title")))
	s.WriteString(`</title><link rel="stylesheet" href="`)
	s.WriteString(AssetPrefix + b.panelCSS)
	s.WriteString(`"><script defer src="`)
	s.WriteString(AssetPrefix + b.panelJS)
	s.WriteString(`"></script>`)
	if lang != "" {
		// json.Marshal escapes <, > and &, so the table cannot close the element.
		s.WriteString(`<script type="application/json" id="kefu-strings" data-lang="`)
		s.WriteString(lang)
		s.WriteString(`">`)
		s.Write(b.tables[lang])
		s.WriteString(`</script>`)
	}
	s.WriteString(`</head><body data-site="`)
	s.WriteString(html.EscapeString(site))
	s.WriteString(`" data-lang="`)
	s.WriteString(lang)
	s.WriteString(`"><noscript>`)
	s.WriteString(html.EscapeString(b.tableString(tag, "noscript")))
	s.WriteString(`</noscript></body></html>`)
	return []byte(s.String())
}

// tableString returns one string of a language's table.
func (b *Bundle) tableString(lang, key string) string {
	return b.lookup[lang][key]
}
