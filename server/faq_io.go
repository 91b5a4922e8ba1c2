package server

import (
	"bytes"
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
// keep its counts; entries without one update the entry with the same
// question in the same language, or are added (chat.FAQAdmin.Import).
func (s *Server) handleImportFAQ(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	// Refused before the file is parsed; the service checks again.
	if err := a.Require(chat.RoleAdmin); err != nil {
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
	if err := s.faq.Import(ctx, a, entries); err != nil {
		return err
	}
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
	list, err := s.faq.Export(ctx, a)
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
