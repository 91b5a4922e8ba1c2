// Command gen builds the widget from widget/src into widget/dist, which the
// kefu binary embeds. Run it as go generate ./widget after changing
// anything under widget/src.
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/kefu/kefu/widget"
	"github.com/kefu/kefu/widget/bundler"
)

func main() {
	if err := run("src", "dist"); err != nil {
		fmt.Fprintln(os.Stderr, "widget/gen:", err)
		os.Exit(1)
	}
}

// run builds src into a fresh dist.
func run(src, dist string) error {
	files, err := bundler.Build(os.DirFS(src), bundler.Options{Languages: widget.Languages(), AssetPrefix: widget.AssetPrefix})
	if err != nil {
		return err
	}
	if err := os.RemoveAll(dist); err != nil {
		return err
	}
	if err := os.MkdirAll(dist, 0o755); err != nil {
		return err
	}
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dist, name), content, 0o644); err != nil {
			return err
		}
	}
	fmt.Printf("widget: wrote %d files to %s\n", len(files), dist)
	return nil
}
