package assets

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestInboxViewsAreSiblings parses inbox.html as a browser does and checks
// that each page of the inbox (a view-… section) stands on its own: one
// left unclosed swallows the next, which then never shows.
func TestInboxViewsAreSiblings(t *testing.T) {
	page, err := fs.ReadFile(New(false), "inbox.html")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	view := func(n *html.Node) string {
		for _, a := range n.Attr {
			if a.Key == "id" && strings.HasPrefix(a.Val, "view-") {
				return a.Val
			}
		}
		return ""
	}
	var parent *html.Node
	views := 0
	var walk func(n *html.Node, inside string)
	walk = func(n *html.Node, inside string) {
		if id := view(n); id != "" {
			views++
			if inside != "" {
				t.Errorf("%s is inside %s", id, inside)
			}
			if parent == nil {
				parent = n.Parent
			} else if n.Parent != parent {
				t.Errorf("%s has another parent than the first view", id)
			}
			inside = id
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inside)
		}
	}
	walk(doc, "")
	if views < 5 {
		t.Errorf("found %d views in inbox.html", views)
	}
}
