package faqfile

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/kefu/kefu/chat"
)

// Format is the encoding of a file.
type Format string

// The formats.
const (
	JSON Format = "json"
	CSV  Format = "csv"
)

// MaxFileSize bounds what Read accepts, so that an upload cannot exhaust
// memory. It is far above a knowledge base of 10,000 entries.
const MaxFileSize = 64 << 20

// FormatOf returns the format that a file name's extension names.
func FormatOf(name string) (Format, error) {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return JSON, nil
	case ".csv":
		return CSV, nil
	}
	return "", chat.Invalid("unknown FAQ file type %q: use .json or .csv", filepath.Ext(name))
}

// Read parses a whole file of format f. The entries have no site and come
// in file order. When any row is bad, Read returns no entries and an Errors
// that lists every bad row.
func Read(ctx context.Context, r io.Reader, f Format) ([]chat.FAQ, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("faqfile: read: %w", err)
	}
	if len(data) > MaxFileSize {
		return nil, Errors{{Message: fmt.Sprintf("the file is larger than %d MiB", MaxFileSize>>20)}}
	}
	switch f {
	case JSON:
		return readJSON(ctx, data)
	case CSV:
		return readCSV(ctx, data)
	}
	return nil, chat.Invalid("unknown FAQ file format %q", f)
}

// Write encodes fs in format f. Site, counters and times are left out: a
// file moves entries between sites and servers.
func Write(ctx context.Context, w io.Writer, f Format, fs []chat.FAQ) error {
	switch f {
	case JSON:
		return writeJSON(ctx, w, fs)
	case CSV:
		return writeCSV(ctx, w, fs)
	}
	return chat.Invalid("unknown FAQ file format %q", f)
}

// rows collects entries and row errors; result applies all-or-nothing.
type rows struct {
	fs   []chat.FAQ
	errs Errors
	seen seen
}

func (rs *rows) add(line int, f chat.FAQ) {
	tidy(&f)
	if rs.seen.ids == nil {
		rs.seen = seen{ids: make(map[string]int), questions: make(map[string]int)}
	}
	for _, msg := range check(&f, line, &rs.seen) {
		rs.errs = append(rs.errs, RowError{Line: line, Message: msg})
	}
	rs.fs = append(rs.fs, f)
}

func (rs *rows) fail(line int, format string, args ...any) {
	rs.errs = append(rs.errs, RowError{Line: line, Message: fmt.Sprintf(format, args...)})
}

func (rs *rows) result() ([]chat.FAQ, error) {
	if len(rs.errs) > 0 {
		return nil, rs.errs
	}
	return rs.fs, nil
}

// checkEvery is how many rows pass between two looks at the context.
const checkEvery = 1024
