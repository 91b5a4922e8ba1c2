package widget

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/kefu/kefu/widget/bundler"
)

// sources is the package directory, whose src/ holds the widget's sources.
var sources = os.DirFS(".")

// BuildOptions changes what Build builds: other sources, or readable output.
type BuildOptions struct {
	Source   fs.FS // src/ when nil
	NoMinify bool
}

// Build builds the widget as go generate does, into memory.
func Build(opts BuildOptions) (*Bundle, error) {
	src := opts.Source
	if src == nil {
		src = os.DirFS("src")
	}
	files, err := bundler.Build(src, bundler.Options{Languages: Languages(), AssetPrefix: AssetPrefix, NoMinify: opts.NoMinify})
	if err != nil {
		return nil, err
	}
	return FromDist(memFS(files))
}

// The kefu binary serves dist/: it must be what src/ builds to.
func TestDistIsUpToDate(t *testing.T) {
	want, err := bundler.Build(os.DirFS("src"), bundler.Options{Languages: Languages(), AssetPrefix: AssetPrefix})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string][]byte{}
	err = fs.WalkDir(dist, "dist", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		got[strings.TrimPrefix(p, "dist/")], err = fs.ReadFile(dist, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, content := range want {
		if !bytes.Equal(got[name], content) {
			t.Errorf("dist/%s is missing or stale", name)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("dist/%s is left from an older build", name)
		}
	}
	if t.Failed() {
		t.Log("run go generate ./widget and commit widget/dist")
	}
	if _, err := Load(); err != nil {
		t.Fatalf("Load: %v", err)
	}
}
