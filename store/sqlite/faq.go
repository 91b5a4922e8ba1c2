package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/kefu/kefu/chat"
)

const faqColumns = `site, id, lang, category, question, answer, alternatives, published, ord, views, solved, updated_at`

func scanFAQ(r rowScanner) (chat.FAQ, error) {
	var (
		f    chat.FAQ
		alts string
		upd  int64
	)
	if err := r.Scan(&f.Site, &f.ID, &f.Lang, &f.Category, &f.Question, &f.Answer, &alts,
		&f.Published, &f.Order, &f.Views, &f.Solved, &upd); err != nil {
		return f, err
	}
	f.UpdatedAt = fromMillis(upd)
	return f, fromJSON(alts, &f.Alternatives)
}

// FAQ returns entry id of site.
func (s *Store) FAQ(ctx context.Context, site, id string) (*chat.FAQ, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	f, err := scanFAQ(s.queryRow(ctx, `SELECT `+faqColumns+` FROM faq WHERE site = ? AND id = ?`, site, id))
	if err != nil {
		return nil, mapErr(err, "find faq", "FAQ entry")
	}
	return &f, nil
}

// ListFAQ returns up to limit of a site's entries, published or not, of
// language lang ("": all), by Order and then id, starting after the entry
// after (nil: the first). The index on (site, ord, id) gives the order; the
// language is filtered as the rows are read.
func (s *Store) ListFAQ(ctx context.Context, site, lang string, after *chat.FAQ, limit int) ([]chat.FAQ, error) {
	ctx, cancel := s.op(ctx)
	defer cancel()
	var (
		rows *sql.Rows
		err  error
	)
	if after == nil {
		rows, err = s.query(ctx, `SELECT `+faqColumns+` FROM faq WHERE site = ? AND (? = '' OR lang = ?)
			ORDER BY ord, id LIMIT ?`, site, lang, lang, limit)
	} else {
		rows, err = s.query(ctx, `SELECT `+faqColumns+` FROM faq WHERE site = ? AND (? = '' OR lang = ?) AND (ord, id) > (?, ?)
			ORDER BY ord, id LIMIT ?`, site, lang, lang, after.Order, after.ID, limit)
	}
	return collect(rows, err, "list faq", "FAQ entry", scanFAQ)
}

// saveFAQ replaces an entry's content, or inserts it. It keeps the
// counters of an existing entry, which only CountFAQEvent changes: an
// editor's copy of them is stale by the time it is saved.
const saveFAQ = `INSERT INTO faq (` + faqColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
	ON CONFLICT (site, id) DO UPDATE SET lang = excluded.lang, category = excluded.category,
		question = excluded.question, answer = excluded.answer, alternatives = excluded.alternatives,
		published = excluded.published, ord = excluded.ord, updated_at = excluded.updated_at`

// execer is a *sql.DB or a *sql.Tx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func saveFAQWith(ctx context.Context, db execer, f *chat.FAQ) error {
	alts, err := toJSON(f.Alternatives)
	if err != nil {
		return err
	}
	if f.ID == "" {
		f.ID = chat.NewID()
	}
	_, err = db.ExecContext(ctx, saveFAQ, f.Site, f.ID, f.Lang, f.Category, f.Question, f.Answer, alts,
		bit(f.Published), f.Order, f.Views, f.Solved, millis(f.UpdatedAt))
	return mapErr(err, "save faq", "FAQ entry")
}

// SaveFAQ inserts or replaces an entry, giving it an id if it has none.
// Views and Solved are kept from the stored entry.
func (s *Store) SaveFAQ(ctx context.Context, f *chat.FAQ) error {
	if f.Site == "" {
		return chat.Invalid("FAQ entry needs a site")
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	return saveFAQWith(ctx, s.w, f)
}

// SaveFAQs inserts or replaces many entries of site, as SaveFAQ does one,
// in one transaction: all of them are saved or none.
func (s *Store) SaveFAQs(ctx context.Context, site string, fs []chat.FAQ) error {
	if site == "" {
		return chat.Invalid("FAQ entries need a site")
	}
	if len(fs) == 0 {
		return nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin save faqs", "FAQ entry")
	}
	defer tx.Rollback()
	for i := range fs {
		fs[i].Site = site
		if err := saveFAQWith(ctx, tx, &fs[i]); err != nil {
			return err
		}
	}
	return mapErr(tx.Commit(), "commit faqs", "FAQ entry")
}

// SetFAQOrder sets the order of entries of site, by id, in one
// transaction, touching no other column and no missing entry.
func (s *Store) SetFAQOrder(ctx context.Context, site string, order map[string]int) error {
	if len(order) == 0 {
		return nil
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin order faqs", "FAQ entry")
	}
	defer tx.Rollback()
	for id, ord := range order {
		if _, err := tx.ExecContext(ctx, `UPDATE faq SET ord = ? WHERE site = ? AND id = ?`, ord, site, id); err != nil {
			return mapErr(err, "order faq", "FAQ entry")
		}
	}
	return mapErr(tx.Commit(), "commit faq order", "FAQ entry")
}

// DeleteFAQ removes entry id of site.
func (s *Store) DeleteFAQ(ctx context.Context, site, id string) error {
	ctx, cancel := s.op(ctx)
	defer cancel()
	res, err := s.w.ExecContext(ctx, `DELETE FROM faq WHERE site = ? AND id = ?`, site, id)
	return updated(res, err, "delete faq", "FAQ entry")
}

// CountFAQEvent adds one to an entry's views, or to its solved count, and
// in the same transaction to the site's count of at's slot.
func (s *Store) CountFAQEvent(ctx context.Context, site, id string, solved bool, at time.Time) error {
	q := `UPDATE faq SET views = views + 1 WHERE site = ? AND id = ?`
	if solved {
		q = `UPDATE faq SET solved = solved + 1 WHERE site = ? AND id = ?`
	}
	ctx, cancel := s.op(ctx)
	defer cancel()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return mapErr(err, "begin count faq event", "FAQ entry")
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, q, site, id)
	if err := updated(res, err, "count faq event", "FAQ entry"); err != nil {
		return err
	}
	views, solvedN := 1, 0
	if solved {
		views, solvedN = 0, 1
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO faq_counts (site, slot, views, solved) VALUES (?, ?, ?, ?)
		ON CONFLICT (site, slot) DO UPDATE SET views = views + excluded.views, solved = solved + excluded.solved`,
		site, millis(at.Truncate(chat.FAQSlot)), views, solvedN)
	if err != nil {
		return mapErr(err, "count faq event in its slot", "FAQ entry")
	}
	return mapErr(tx.Commit(), "commit faq event", "FAQ entry")
}
