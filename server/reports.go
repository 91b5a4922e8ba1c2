package server

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/kefu/kefu/chat"
	"github.com/kefu/kefu/report"
)

// handleReport answers a report of the site: as JSON, or with
// format=csv as a CSV file to download.
func (s *Server) handleReport(c *fiber.Ctx) error {
	a, err := agentActor(c)
	if err != nil {
		return err
	}
	format := c.Query("format", "json")
	if format != "json" && format != "csv" {
		return chat.Invalid("format must be json or csv")
	}
	q := report.Query{From: strings.Clone(c.Query("from")), To: strings.Clone(c.Query("to")), Agent: strings.Clone(c.Query("agent"))}
	if days := c.Query("days"); days != "" {
		n, err := strconv.Atoi(days)
		if err != nil || n < 1 {
			return chat.Invalid("days must be a number of days")
		}
		q.Days = n
	}
	if q.Agent == "me" {
		q.Agent = a.Agent.ID
	}
	r, err := s.reports.Report(c.UserContext(), a, q)
	if err != nil {
		return err
	}
	if format == "json" {
		return c.JSON(fiber.Map{"report": r})
	}
	var buf bytes.Buffer
	if err := r.WriteCSV(&buf); err != nil {
		return err
	}
	name := "report-" + a.Site + "-" + r.From + "-" + r.To
	if r.Agent != "" {
		name += "-" + r.Agent
	}
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	c.Type("csv", "utf-8")
	return c.Send(buf.Bytes())
}
