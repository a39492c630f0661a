package orchestration

import (
	"bytes"
	"encoding/binary"
	"math"
	"testing"
)

// TestEncoderVarints checks that the encoder writes integers and string lengths as
// encoding/binary's varints, which it used to call.
func TestEncoderVarints(t *testing.T) {
	values := []int64{0, 1, -1, 2, -2, 63, -64, 64, -65, 127, 128, 300, -300, 1 << 20, -(1 << 40), math.MaxInt64, math.MinInt64}
	var e encoder
	var want []byte
	for _, v := range values {
		e.int(v)
		want = binary.AppendVarint(want, v)
		e.uvarint(uint64(v))
		want = binary.AppendUvarint(want, uint64(v))
	}
	for _, s := range []string{"", "db-0", string(make([]byte, 200))} {
		e.str(s)
		want = append(binary.AppendUvarint(want, uint64(len(s))), s...)
	}
	if !bytes.Equal(e.buf, want) {
		t.Fatalf("the encoder wrote %x, encoding/binary %x", e.buf, want)
	}
}
