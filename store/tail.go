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

// UnmarshalBSONValue decodes what MarshalBSONValue encoded.
func (t *tailDoc) UnmarshalBSONValue(typ byte, data []byte) error {
	*t = nil
	if bson.Type(typ) == bson.TypeNull {
		return nil
	}
	var packed [][]byte
	if err := bson.UnmarshalValue(bson.Type(typ), data, &packed); err != nil {
		return fmt.Errorf("tail: %w", err)
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
