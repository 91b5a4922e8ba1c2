package attach

import (
	"strings"

	"github.com/kefu/kefu/chat"
)

// Policy is what one site accepts.
type Policy struct {
	Types    []Type // allowed types; empty means DefaultTypes
	MaxBytes int64  // the largest file; 0 means DefaultMaxBytes
}

// PolicyOf is what a site's file policy accepts: the default types and
// those of its extra kinds, up to its size limit.
func PolicyOf(f chat.FilePolicy) Policy {
	p := Policy{Types: DefaultTypes(), MaxBytes: f.MaxBytes()}
	for _, k := range f.Extra {
		p.Types = append(p.Types, KindTypes(k)...)
	}
	return p
}

// Accept is what a browser's file picker is to offer for p, as the
// accept attribute of <input type=file>: the MIME types and their usual
// extensions.
func (p Policy) Accept() string {
	var out []string
	for _, t := range p.types() {
		out = append(append(out, string(t)), t.exts()...)
	}
	return strings.Join(out, ",")
}

func (p Policy) types() []Type {
	if len(p.Types) == 0 {
		return DefaultTypes()
	}
	return p.Types
}
