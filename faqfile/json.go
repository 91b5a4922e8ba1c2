package faqfile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/kefu/kefu/chat"
)

// entry is one object of a JSON file.
type entry struct {
	ID           string   `json:"id,omitempty"`
	Lang         string   `json:"lang"`
	Category     string   `json:"category,omitempty"`
	Question     string   `json:"question"`
	Answer       string   `json:"answer"`
	Alternatives []string `json:"alternatives,omitempty"`
	Published    *bool    `json:"published,omitempty"`
	Order        int      `json:"order"`
}

func (e *entry) faq() chat.FAQ {
	return chat.FAQ{
		ID:           e.ID,
		Lang:         e.Lang,
		Category:     e.Category,
		Question:     e.Question,
		Answer:       e.Answer,
		Alternatives: e.Alternatives,
		Published:    e.Published == nil || *e.Published,
		Order:        e.Order,
	}
}

func readJSON(ctx context.Context, data []byte) ([]chat.FAQ, error) {
	lines := newLineIndex(data)
	dec := json.NewDecoder(bytes.NewReader(data))
	var rs rows
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil, Errors{{Line: lines.at(dec.InputOffset()), Message: "a JSON FAQ file is an array of entries: [{...}, ...]"}}
	}
	for i := 0; dec.More(); i++ {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		line := lines.at(skipSpace(data, dec.InputOffset()))
		// Decode the element raw first, so that a bad field costs only its
		// own row and the rest of the file is still checked.
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			rs.fail(lines.at(syntaxOffset(err, dec)), "%s", jsonMessage(err))
			return rs.result()
		}
		var e entry
		d := json.NewDecoder(bytes.NewReader(raw))
		d.DisallowUnknownFields()
		if err := d.Decode(&e); err != nil {
			rs.fail(line, "%s", jsonMessage(err))
			continue
		}
		rs.add(line, e.faq())
	}
	if _, err := dec.Token(); err != nil {
		rs.fail(lines.at(dec.InputOffset()), "%s", jsonMessage(err))
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		rs.fail(lines.at(dec.InputOffset()), "unexpected data after the array")
	}
	return rs.result()
}

func writeJSON(ctx context.Context, w io.Writer, fs []chat.FAQ) error {
	es := make([]entry, len(fs))
	for i := range fs {
		if i%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		f := &fs[i]
		published := f.Published
		es[i] = entry{
			ID: f.ID, Lang: f.Lang, Category: f.Category, Question: f.Question, Answer: f.Answer,
			Alternatives: f.Alternatives, Published: &published, Order: f.Order,
		}
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(es); err != nil {
		return fmt.Errorf("faqfile: write json: %w", err)
	}
	return nil
}

// jsonMessage words a decoding error for the agent who wrote the file.
func jsonMessage(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		want := map[string]string{"int": "a whole number", "string": "text", "bool": "true or false", "[]string": "a list of texts"}[typeErr.Type.String()]
		if want == "" {
			want = "an entry object"
		}
		if typeErr.Field == "" {
			return "each entry must be " + want
		}
		return fmt.Sprintf("%s must be %s, not %s", typeErr.Field, want, typeErr.Value)
	}
	if msg, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
		return "unknown field " + msg
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "the file ends in the middle of the array"
	}
	return err.Error()
}

func syntaxOffset(err error, dec *json.Decoder) int64 {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return syn.Offset
	}
	return dec.InputOffset()
}

func skipSpace(data []byte, off int64) int64 {
	for off < int64(len(data)) {
		switch data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
		default:
			return off
		}
	}
	return off
}

// lineIndex holds the offset of each line start, to turn byte offsets into
// line numbers.
type lineIndex []int64

func newLineIndex(data []byte) lineIndex {
	starts := lineIndex{0}
	for i, b := range data {
		if b == '\n' {
			starts = append(starts, int64(i+1))
		}
	}
	return starts
}

func (li lineIndex) at(off int64) int {
	lo, hi := 0, len(li)
	for lo+1 < hi {
		mid := (lo + hi) / 2
		if li[mid] <= off {
			lo = mid
		} else {
			hi = mid
		}
	}
	return lo + 1
}
