package store

import (
	"fmt"

	"go.mongodb.org/mongo-driver/v2/bson"
)

// tailDoc is a conversation's tail: its newest messages, oldest first.
// Each message is stored as one binary value that holds its encoded
// bodyDoc, not as a subdocument. FerretDB converts every value of every
// document it reads or updates, and a tail of 50 subdocuments of nine
// values each made reading and appending to a conversation several times
// slower than the lookup itself (see docs/benchmarks.md). The messages
// collection keeps every message as a plain document; the tail is a cache
// of it that RepairConversation can rebuild.
type tailDoc []bodyDoc

// MarshalBSONValue encodes the tail as an array of binaries; an empty tail
// is an empty array, never null, so that $push can append to it.
func (t tailDoc) MarshalBSONValue() (byte, []byte, error) {
	arr := make(bson.A, len(t))
	for i := range t {
		b, err := packBody(t[i])
		if err != nil {
			return 0, nil, err
		}
		arr[i] = b
	}
	typ, data, err := bson.MarshalValue(arr)
	return byte(typ), data, err
}

// packedTail is the form of the tail that appends on FerretDB write: the
// whole tail in one binary value. FerretDB's cost of reading and writing a
// document grows with its number of values, so one value instead of fifty
// makes each append's update several times cheaper. A real MongoDB keeps
// the array form, which $push can append to atomically.
type packedTail struct {
	Entries [][]byte `bson:"t"`
}

// pack returns the tail as one binary value.
func (t tailDoc) pack() (bson.Binary, error) {
	p := packedTail{Entries: make([][]byte, len(t))}
	for i := range t {
		b, err := packBody(t[i])
		if err != nil {
			return bson.Binary{}, err
		}
		p.Entries[i] = b
	}
	data, err := bson.Marshal(p)
	return bson.Binary{Data: data}, err
}

// UnmarshalBSONValue decodes either form: the array that MarshalBSONValue
// encodes, or the single binary that pack encodes.
func (t *tailDoc) UnmarshalBSONValue(typ byte, data []byte) error {
	*t = nil
	var packed [][]byte
	switch bson.Type(typ) {
	case bson.TypeNull:
		return nil
	case bson.TypeBinary:
		var bin bson.Binary
		var p packedTail
		if err := bson.UnmarshalValue(bson.TypeBinary, data, &bin); err != nil {
			return fmt.Errorf("tail: %w", err)
		}
		if err := bson.Unmarshal(bin.Data, &p); err != nil {
			return fmt.Errorf("tail: %w", err)
		}
		packed = p.Entries
	default:
		if err := bson.UnmarshalValue(bson.Type(typ), data, &packed); err != nil {
			return fmt.Errorf("tail: %w", err)
		}
	}
	*t = make(tailDoc, len(packed))
	for i, p := range packed {
		if err := bson.Unmarshal(p, &(*t)[i]); err != nil {
			return fmt.Errorf("tail entry %d: %w", i, err)
		}
	}
	return nil
}

// packBody encodes one tail entry.
func packBody(b bodyDoc) ([]byte, error) { return bson.Marshal(b) }
