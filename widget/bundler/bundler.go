// Package bundler builds kefu's widget from its JavaScript, CSS and string
// tables with esbuild's Go API, so that no Node.js is needed. It runs at
// development time (go generate ./widget) and in tests; the kefu binary
// serves what it wrote to widget/dist and does not link esbuild.
package bundler

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"strings"

	"github.com/evanw/esbuild/pkg/api"
)

// The names of the files Build writes besides the content-hashed assets.
const (
	// LoaderFile is the loader script, served at a stable URL.
	LoaderFile = "loader.js"
	// ManifestFile names the hashed files: see Manifest.
	ManifestFile = "manifest.json"
)

// Manifest says which hashed file is which.
type Manifest struct {
	PanelJS   string            `json:"panel_js"`
	PanelCSS  string            `json:"panel_css"`
	UploadJS  string            `json:"upload_js"`  // the panel fetches it on a visitor's first file
	LangFiles map[string]string `json:"lang_files"` // language -> hashed name of its strings
}

// Options says what to build.
type Options struct {
	// Languages are the string tables to read from i18n/<lang>.json.
	Languages []string
	// AssetPrefix is the URL path the hashed files are served under.
	AssetPrefix string
	// NoMinify keeps the output readable, for debugging.
	NoMinify bool
}

// Build bundles and minifies the sources in src (layout: loader/, panel/
// with its entries main.js and upload.js, shared/ and i18n/) and returns the files to serve, by name: LoaderFile,
// ManifestFile, and the content-hashed assets. It fails if a source does
// not parse or a language table is missing.
func Build(src fs.FS, opts Options) (map[string][]byte, error) {
	files := map[string][]byte{}
	add := func(base, ext string, content []byte) string {
		sum := sha256.Sum256(content)
		name := base + "." + hex.EncodeToString(sum[:])[:8] + ext
		files[name] = content
		return name
	}
	tables, err := readTables(src, opts.Languages)
	if err != nil {
		return nil, err
	}
	m := Manifest{LangFiles: map[string]string{}}
	labels := map[string][2]string{}
	for _, lang := range opts.Languages {
		raw, err := json.Marshal(tables[lang])
		if err != nil {
			return nil, fmt.Errorf("widget: encode %s strings: %w", lang, err)
		}
		m.LangFiles[lang] = add(lang, ".json", raw)
		labels[lang] = [2]string{tables[lang]["bubble"], tables[lang]["closeChat"]}
	}

	e := esbuilder{src: src, minify: !opts.NoMinify}
	loader, err := e.build("loader/main.js", map[string]string{"__LABELS__": mustJSON(labels)})
	if err != nil {
		return nil, err
	}
	files[LoaderFile] = loader

	up, err := e.build("panel/upload.js", nil)
	if err != nil {
		return nil, err
	}
	m.UploadJS = add("upload", ".js", up)

	js, err := e.build("panel/main.js", map[string]string{
		"__LANG_FILES__": mustJSON(m.LangFiles),
		"__ASSETS__":     mustJSON(opts.AssetPrefix),
		"__UPLOAD__":     mustJSON(m.UploadJS),
	})
	if err != nil {
		return nil, err
	}
	m.PanelJS = add("panel", ".js", js)

	css, err := e.build("panel/panel.css", nil)
	if err != nil {
		return nil, err
	}
	m.PanelCSS = add("panel", ".css", css)
	manifest, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("widget: encode manifest: %w", err)
	}
	files[ManifestFile] = append(manifest, '\n')
	return files, nil
}

// readTables loads one string table per supported language.
func readTables(src fs.FS, langs []string) (map[string]map[string]string, error) {
	tables := map[string]map[string]string{}
	for _, lang := range langs {
		raw, err := fs.ReadFile(src, "i18n/"+lang+".json")
		if err != nil {
			return nil, fmt.Errorf("widget: strings for %s: %w", lang, err)
		}
		var t map[string]string
		if err := json.Unmarshal(raw, &t); err != nil {
			return nil, fmt.Errorf("widget: strings for %s: %w", lang, err)
		}
		tables[lang] = t
	}
	return tables, nil
}

// esbuilder bundles one entry point at a time out of an fs.FS.
type esbuilder struct {
	src    fs.FS
	minify bool
}

func (e esbuilder) build(entry string, define map[string]string) ([]byte, error) {
	res := api.Build(api.BuildOptions{
		EntryPoints:       []string{entry},
		Bundle:            true,
		Write:             false,
		Format:            api.FormatIIFE,
		Target:            api.ES2020,
		Charset:           api.CharsetUTF8,
		MinifyWhitespace:  e.minify,
		MinifyIdentifiers: e.minify,
		MinifySyntax:      e.minify,
		LegalComments:     api.LegalCommentsNone,
		Define:            define,
		LogLevel:          api.LogLevelSilent,
		Plugins:           []api.Plugin{e.plugin()},
	})
	if len(res.Errors) > 0 || len(res.Warnings) > 0 {
		return nil, fmt.Errorf("widget: build %s: %w", entry, messagesError(append(res.Errors, res.Warnings...)))
	}
	if len(res.OutputFiles) != 1 {
		return nil, fmt.Errorf("widget: build %s: %d output files, want 1", entry, len(res.OutputFiles))
	}
	return bytes.TrimSpace(res.OutputFiles[0].Contents), nil
}

// plugin resolves every import inside e.src, so that nothing is read from
// disk. A CSS file imported from JavaScript becomes a minified string.
func (e esbuilder) plugin() api.Plugin {
	return api.Plugin{Name: "kefu-embed", Setup: func(pb api.PluginBuild) {
		pb.OnResolve(api.OnResolveOptions{Filter: ".*"}, func(a api.OnResolveArgs) (api.OnResolveResult, error) {
			p := a.Path
			if a.Kind != api.ResolveEntryPoint {
				if !strings.HasPrefix(p, ".") {
					return api.OnResolveResult{}, fmt.Errorf("only relative imports are allowed: %q", p)
				}
				p = path.Join(path.Dir(a.Importer), p)
			}
			return api.OnResolveResult{Path: p, Namespace: "kefu", PluginData: a.Kind}, nil
		})
		pb.OnLoad(api.OnLoadOptions{Filter: ".*", Namespace: "kefu"}, func(a api.OnLoadArgs) (api.OnLoadResult, error) {
			raw, err := fs.ReadFile(e.src, a.Path)
			if err != nil {
				return api.OnLoadResult{}, err
			}
			s := string(raw)
			switch {
			case strings.HasSuffix(a.Path, ".css") && a.PluginData == api.ResolveJSImportStatement:
				css := api.Transform(s, api.TransformOptions{Loader: api.LoaderCSS, MinifyWhitespace: true, MinifySyntax: true, Charset: api.CharsetUTF8, Sourcefile: a.Path})
				if len(css.Errors) > 0 {
					return api.OnLoadResult{}, messagesError(css.Errors)
				}
				s = strings.TrimSpace(string(css.Code))
				return api.OnLoadResult{Contents: &s, Loader: api.LoaderText}, nil
			case strings.HasSuffix(a.Path, ".css"):
				return api.OnLoadResult{Contents: &s, Loader: api.LoaderCSS}, nil
			}
			return api.OnLoadResult{Contents: &s, Loader: api.LoaderJS}, nil
		})
	}}
}

// messagesError joins esbuild's messages, with their locations, into one error.
func messagesError(msgs []api.Message) error {
	var errs []error
	for _, m := range msgs {
		if m.Location != nil {
			errs = append(errs, fmt.Errorf("%s:%d:%d: %s", m.Location.File, m.Location.Line, m.Location.Column, m.Text))
			continue
		}
		errs = append(errs, errors.New(m.Text))
	}
	return errors.Join(errs...)
}

// mustJSON encodes a value built by this package, which cannot fail. Map keys
// come out sorted, so the output and its hash are stable.
func mustJSON(v any) string {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(raw)
}
