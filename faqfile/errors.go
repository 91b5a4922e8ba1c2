package faqfile

import (
	"fmt"
	"strings"

	"github.com/kefu/kefu/chat"
)

// RowError is what is wrong with one row of a file. Line counts from 1; 0
// means the file as a whole.
type RowError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

func (e RowError) String() string {
	if e.Line == 0 {
		return e.Message
	}
	return fmt.Sprintf("line %d: %s", e.Line, e.Message)
}

// Errors lists every bad row of a file, in line order. It carries the
// invalid code, so a transport reports it as bad input.
type Errors []RowError

// maxListed is how many rows Error names before it summarises the rest.
const maxListed = 5

func (es Errors) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "faqfile: %d bad row(s): ", len(es))
	for i, e := range es {
		if i == maxListed {
			fmt.Fprintf(&b, "; and %d more", len(es)-maxListed)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(e.String())
	}
	return b.String()
}

// Unwrap gives the chat error that classifies es as invalid input.
func (es Errors) Unwrap() error {
	return chat.Invalid("the file has %d bad row(s), nothing was imported", len(es))
}
