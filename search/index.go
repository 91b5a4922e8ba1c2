package search

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/kefu/kefu/chat"
)

// versionKey is the internal key under which an index keeps the
// mappingVersion it was built with.
const versionKey = "kefu_mapping_version"

// idSep joins a site and an entry id into a document id. Site keys and ids
// are printable, so it occurs in neither, and as Suggest matches the site
// exactly, cutting off the site and idSep recovers the id.
const idSep = "\x1f"

// Index is a site-partitioned full-text index of published FAQ entries. It
// is safe for concurrent use.
type Index struct {
	bi      bleve.Index
	opts    options
	fold    folder
	created bool
	mem     bool   // an in-memory scorch index runs no merger to compact it
	movedTo string // where an unreadable index was moved aside, if one was
}

// Open opens the on-disk index in dir, creating it if it is missing. An
// index built with another mapping version is deleted and created anew: it
// is derived data. One that cannot be read (a corrupt segment makes bleve
// panic, a lost index_meta.json leaves files it cannot open) is moved aside
// to dir.broken-<time>, for a look, and created anew; MovedTo says where.
// Created reports whether the returned index started empty, so that the
// caller reloads every entry.
func Open(dir string) (*Index, error) {
	return open(dir, defaultOptions())
}

// OpenMem returns an index that lives in memory only, for tests and for
// running without a data dir.
func OpenMem() (*Index, error) {
	return openMem(defaultOptions())
}

func openMem(o options) (*Index, error) {
	m, err := indexMapping(o)
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing("", m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create memory index: %w", err)
	}
	return &Index{bi: bi, opts: o, fold: newFolder(), created: true, mem: true}, nil
}

func open(dir string, o options) (*Index, error) {
	if dir == "" {
		return nil, errors.New("search: open: empty dir")
	}
	movedTo := ""
	moveAside := func() error {
		movedTo = fmt.Sprintf("%s.broken-%d", dir, time.Now().UnixNano())
		if err := os.Rename(dir, movedTo); err != nil {
			return fmt.Errorf("search: move unreadable index aside: %w", err)
		}
		return nil
	}
	_, err := os.Stat(filepath.Join(dir, "index_meta.json"))
	switch {
	case err == nil:
		bi, err := openBleve(dir)
		if err != nil {
			if err := moveAside(); err != nil {
				return nil, err
			}
			break
		}
		v, verr := bi.GetInternal([]byte(versionKey))
		if verr == nil && string(v) == mappingVersion {
			return &Index{bi: bi, opts: o, fold: newFolder()}, nil
		}
		_ = bi.Close()
		// Outdated: it is known to be an index, so it is safe to remove
		// before building a new one.
		if err := os.RemoveAll(dir); err != nil {
			return nil, fmt.Errorf("search: remove stale index: %w", err)
		}
	case errors.Is(err, fs.ErrNotExist):
		entries, err := os.ReadDir(dir)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("search: open: %w", err)
		}
		switch {
		case len(entries) > 0:
			// Something without its index_meta.json: never deleted, only
			// moved aside.
			if err := moveAside(); err != nil {
				return nil, err
			}
		case err == nil:
			if err := os.Remove(dir); err != nil {
				return nil, fmt.Errorf("search: open: %w", err)
			}
		}
	default:
		return nil, fmt.Errorf("search: open: %w", err)
	}

	m, err := indexMapping(o)
	if err != nil {
		return nil, err
	}
	bi, err := bleve.NewUsing(dir, m, scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	if err := bi.SetInternal([]byte(versionKey), []byte(mappingVersion)); err != nil {
		_ = bi.Close()
		return nil, fmt.Errorf("search: create index: %w", err)
	}
	return &Index{bi: bi, opts: o, fold: newFolder(), created: true, movedTo: movedTo}, nil
}

// openBleve opens an on-disk index, turning a panic of bleve's segment
// reader over a corrupt file into an error.
func openBleve(dir string) (bi bleve.Index, err error) {
	defer func() {
		if r := recover(); r != nil {
			bi, err = nil, fmt.Errorf("search: open %s: corrupt index: %v", dir, r)
		}
	}()
	bi, err = bleve.Open(dir)
	if err != nil {
		return nil, fmt.Errorf("search: open %s: %w", dir, err)
	}
	return bi, nil
}

// MovedTo is where Open moved an unreadable index aside, or "".
func (x *Index) MovedTo() string { return x.movedTo }

// Created reports whether the index was created empty when it was opened,
// because it was missing, outdated or unreadable, or lives in memory.
func (x *Index) Created() bool { return x.created }

// Compact merges the index's segments into one, which makes queries faster
// after many entries were indexed at once, as in a rebuild. It blocks until
// done. An in-memory index is left as it is.
func (x *Index) Compact(ctx context.Context) error {
	if x.mem {
		return ctx.Err()
	}
	ix, err := x.bi.Advanced()
	if err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	s, ok := ix.(*scorch.Scorch)
	if !ok {
		return nil
	}
	if err := s.ForceMerge(ctx, nil); err != nil {
		return fmt.Errorf("search: compact: %w", err)
	}
	return nil
}

// Close releases the index. It must not be used afterwards.
func (x *Index) Close() error {
	if err := x.bi.Close(); err != nil {
		return fmt.Errorf("search: close: %w", err)
	}
	return nil
}

// Count returns the number of indexed entries over all sites.
func (x *Index) Count(ctx context.Context) (uint64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := x.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("search: count: %w", err)
	}
	return n, nil
}

// Index adds or replaces one entry. An unpublished entry is removed
// instead, so that visitors never see it.
func (x *Index) Index(ctx context.Context, f chat.FAQ) error {
	return x.IndexBatch(ctx, []chat.FAQ{f})
}

// IndexBatch adds, replaces or, for unpublished entries, removes many
// entries in one write.
func (x *Index) IndexBatch(ctx context.Context, fs []chat.FAQ) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b := x.bi.NewBatch()
	for i := range fs {
		f := &fs[i]
		if f.Site == "" || f.ID == "" {
			return chat.Invalid("search: entry %q of site %q needs a site and an id", f.ID, f.Site)
		}
		id := docID(f.Site, f.ID)
		if !f.Published {
			b.Delete(id)
			continue
		}
		if err := b.Index(id, x.document(f)); err != nil {
			return fmt.Errorf("search: index %s: %w", f.ID, err)
		}
	}
	if err := x.bi.Batch(b); err != nil {
		return fmt.Errorf("search: index: %w", err)
	}
	return nil
}

// Delete removes one entry. Removing an entry that is not indexed is not an
// error.
func (x *Index) Delete(ctx context.Context, site, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := x.bi.Delete(docID(site, id)); err != nil {
		return fmt.Errorf("search: delete %s: %w", id, err)
	}
	return nil
}

// DeleteSite removes every entry of site.
func (x *Index) DeleteSite(ctx context.Context, site string) error {
	const page = 1000
	for {
		q := query.NewTermQuery(site)
		q.SetField(fieldSite)
		req := bleve.NewSearchRequestOptions(q, page, 0, false)
		res, err := x.bi.SearchInContext(ctx, req)
		if err != nil {
			return fmt.Errorf("search: delete site: %w", err)
		}
		if len(res.Hits) == 0 {
			return nil
		}
		b := x.bi.NewBatch()
		for _, h := range res.Hits {
			b.Delete(h.ID)
		}
		if err := x.bi.Batch(b); err != nil {
			return fmt.Errorf("search: delete site: %w", err)
		}
	}
}

func docID(site, id string) string { return site + idSep + id }

// document is what the index holds of an entry. Its text is folded before
// bleve analyses it, and the same folding is applied to queries.
type document struct {
	Site   string   `json:"site"`
	Lang   string   `json:"lang"`
	Asked  []string `json:"qa"` // the question, then its alternatives
	Answer string   `json:"ans"`
	typ    string
}

// BleveType tells bleve which document mapping, and so which stemmer,
// applies.
func (d *document) BleveType() string { return d.typ }

func (x *Index) document(f *chat.FAQ) *document {
	lang := baseLang(f.Lang)
	typ := plainType
	if hasStemmer(lang) {
		typ = lang
	}
	asked := make([]string, 0, 1+len(f.Alternatives))
	for _, a := range append([]string{f.Question}, f.Alternatives...) {
		if a = strings.TrimSpace(a); a != "" {
			asked = append(asked, x.fold.fold(a))
		}
	}
	return &document{
		Site:   f.Site,
		Lang:   lang,
		Asked:  asked,
		Answer: x.fold.fold(f.Answer),
		typ:    typ,
	}
}

// baseLang returns the primary subtag of a language tag, lower-cased:
// "zh-Hant-TW" and "zh_CN" give "zh".
func baseLang(tag string) string {
	tag = strings.ToLower(strings.TrimSpace(tag))
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return tag
}
