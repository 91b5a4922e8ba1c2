package faqfile

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/kefu/kefu/chat"
)

// csvColumns names the columns of a CSV file, in the order Write uses.
func csvColumns() []string {
	return []string{"id", "lang", "category", "question", "answer", "alternatives", "published", "order"}
}

// altSep separates alternatives within their cell.
const altSep = "|"

func readCSV(ctx context.Context, data []byte) ([]chat.FAQ, error) {
	data = stripBOM(data)
	r := csv.NewReader(strings.NewReader(string(data)))
	r.FieldsPerRecord = -1 // checked per row, to report the line
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, Errors{{Line: 1, Message: "the file is empty: the first row must name the columns"}}
	}
	if err != nil {
		return nil, Errors{{Line: 1, Message: err.Error()}}
	}
	col, bad := headerColumns(header)
	if bad != nil {
		return nil, bad
	}

	var rs rows
	for i := 0; ; i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var perr *csv.ParseError
		if errors.As(err, &perr) {
			rs.fail(perr.StartLine, "%v", perr.Err)
			if errors.Is(perr.Err, csv.ErrQuote) || errors.Is(perr.Err, csv.ErrBareQuote) {
				// The reader cannot find the next row reliably after this.
				return rs.result()
			}
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("faqfile: read csv: %w", err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rec) != len(header) {
			rs.fail(line, "has %d cells, the header has %d", len(rec), len(header))
			continue
		}
		f, msgs := csvEntry(rec, col)
		for _, m := range msgs {
			rs.fail(line, "%s", m)
		}
		rs.add(line, f)
	}
	return rs.result()
}

// headerColumns maps each known column name to its index in the header.
func headerColumns(header []string) (map[string]int, Errors) {
	col := make(map[string]int)
	var bad Errors
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(csvColumns(), h):
			bad = append(bad, RowError{Line: 1, Message: fmt.Sprintf("unknown column %q; the columns are %s", header[i], strings.Join(csvColumns(), ", "))})
		case col[h] != 0:
			bad = append(bad, RowError{Line: 1, Message: fmt.Sprintf("column %q appears twice", h)})
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, need := range []string{"lang", "question", "answer"} {
		if col[need] == 0 {
			bad = append(bad, RowError{Line: 1, Message: fmt.Sprintf("column %q is missing", need)})
		}
	}
	return col, bad
}

func csvEntry(rec []string, col map[string]int) (chat.FAQ, []string) {
	cell := func(name string) string {
		if i := col[name]; i > 0 {
			return rec[i-1]
		}
		return ""
	}
	f := chat.FAQ{
		ID:           cell("id"),
		Lang:         cell("lang"),
		Category:     cell("category"),
		Question:     cell("question"),
		Answer:       cell("answer"),
		Alternatives: strings.Split(cell("alternatives"), altSep),
		Published:    true,
	}
	var bad []string
	if s := strings.TrimSpace(cell("published")); s != "" {
		p, ok := parseBool(s)
		if !ok {
			bad = append(bad, fmt.Sprintf("published %q is not true or false", s))
		}
		f.Published = p
	}
	if s := strings.TrimSpace(cell("order")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			bad = append(bad, fmt.Sprintf("order %q is not a whole number", s))
		}
		f.Order = n
	}
	return f, bad
}

func writeCSV(ctx context.Context, w io.Writer, fs []chat.FAQ) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvColumns()); err != nil {
		return fmt.Errorf("faqfile: write csv: %w", err)
	}
	for i := range fs {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f := &fs[i]
		err := cw.Write([]string{
			f.ID, f.Lang, f.Category, f.Question, f.Answer,
			strings.Join(f.Alternatives, altSep), strconv.FormatBool(f.Published), strconv.Itoa(f.Order),
		})
		if err != nil {
			return fmt.Errorf("faqfile: write csv: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("faqfile: write csv: %w", err)
	}
	return nil
}

func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return true, true
	case "false", "no", "n", "0":
		return false, true
	}
	return false, false
}

// stripBOM drops the byte order mark that spreadsheet programs put at the
// start of a UTF-8 CSV file.
func stripBOM(data []byte) []byte {
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		return data[3:]
	}
	return data
}
