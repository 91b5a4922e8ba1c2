package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/faqfile"
)

// faqFormat is the file format a request names in ?format=, or by its
// Content-Type.
func faqFormat(c *fiber.Ctx) (faqfile.Format, error) {
	f := c.Query("format")
	if f == "" {
		if strings.Contains(c.Get(fiber.HeaderContentType), "csv") {
			f = "csv"
		} else {
			f = "json"
		}
	}
	return faqfile.FormatOf("faq." + f)
}

// handleImportFAQ imports a JSON or CSV file of FAQ entries into the
// agent's site: all of it, or, if any row is bad, none of it, with every bad
// row named by line. Entries with an id replace the entry of that id and
// keep its counts; entries without one are added.
func (s *Server) handleImportFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	format, err := faqFormat(c)
	if err != nil {
		return chat.Invalid("format must be json or csv")
	}
	ctx := c.UserContext()
	entries, err := faqfile.Read(ctx, bytes.NewReader(c.Body()), format)
	if err != nil {
		var rows faqfile.Errors
		if errors.As(err, &rows) {
			return &chat.Error{Code: chat.CodeInvalid, Message: chat.ErrorMessage(err), Err: err, Details: fiber.Map{"rows": rows}}
		}
		return err
	}
	// An entry without an id is the stored entry with the same question in
	// the same language, if there is one: importing a file twice changes
	// nothing. The store keeps the counters of entries that exist already.
	known := map[string]string{}
	err = chat.EachFAQPage(ctx, s.opts.Store, a.Site, func(page []chat.FAQ) error {
		for _, f := range page {
			known[faqfile.QuestionKey(f.Lang, f.Question)] = f.ID
		}
		return nil
	})
	if err != nil {
		return err
	}
	now := s.opts.Now().UTC()
	for i := range entries {
		f := &entries[i]
		f.Site, f.UpdatedAt = a.Site, now
		if f.ID == "" {
			f.ID = known[faqfile.QuestionKey(f.Lang, f.Question)]
		}
		if f.ID == "" {
			f.ID = chat.NewID()
		}
	}
	if err := s.opts.Store.SaveFAQs(ctx, a.Site, entries); err != nil {
		return err
	}
	s.announceReindex(ctx, a.Site)
	return c.JSON(fiber.Map{"imported": len(entries)})
}

// handleExportFAQ writes the site's FAQ as a JSON or CSV file that
// handleImportFAQ reads back.
func (s *Server) handleExportFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	format, err := faqFormat(c)
	if err != nil {
		return chat.Invalid("format must be json or csv")
	}
	ctx := c.UserContext()
	var list []chat.FAQ
	err = chat.EachFAQPage(ctx, s.opts.Store, a.Site, func(page []chat.FAQ) error {
		list = append(list, page...)
		return nil
	})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := faqfile.Write(ctx, &buf, format, list); err != nil {
		return err
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="faq-`+a.Site+"."+string(format)+`"`)
	c.Type(string(format), "utf-8")
	return c.Send(buf.Bytes())
}

// announceReindex tells every node to rebuild its index of a site's FAQ.
func (s *Server) announceReindex(ctx context.Context, site string) {
	data, err := json.Marshal(chat.Event{Type: chat.EventFAQ, Site: site})
	if err == nil {
		err = s.opts.Bus.Publish(ctx, chat.FAQSubject, data)
	}
	if err != nil {
		s.log.Warn("announce FAQ import; the index catches up at the next start", "site", site, "err", err)
	}
}
