package app

import (
	"context"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/search"
	"github.com/kefu/kefu/widget"
)

// faqIndex gives the server the search index in the domain's terms.
type faqIndex struct{ x *search.Index }

func (f faqIndex) Suggest(ctx context.Context, site, lang, text string, n int) ([]chat.FAQHit, error) {
	res, err := f.x.Suggest(ctx, site, lang, text, n)
	if err != nil {
		return nil, err
	}
	hits := make([]chat.FAQHit, len(res))
	for i, r := range res {
		hits[i] = chat.FAQHit{ID: r.ID, Score: r.Score}
	}
	return hits, nil
}

// widgetAssets gives the server the built widget.
type widgetAssets struct {
	b     *widget.Bundle
	files map[string][]byte
}

func newWidgetAssets(b *widget.Bundle) widgetAssets { return widgetAssets{b: b, files: b.Files()} }

func (w widgetAssets) Loader() ([]byte, string) { return w.b.Loader(), w.b.LoaderETag() }

func (w widgetAssets) Asset(name string) ([]byte, string, bool) {
	body, ok := w.files[name]
	return body, widget.ContentType(name), ok
}

func (w widgetAssets) ChatPage(site, lang string) []byte { return w.b.ChatPage(site, lang) }
