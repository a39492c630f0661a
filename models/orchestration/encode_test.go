package orchestration

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"reflect"
	"testing"

	"github.com/themelios/themelios/models/cluster"
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

// TestObservedGeneration checks observedGeneration's switch on kinds against its definition
// (cluster.Observer's, or the generation) on an object of every kind.
func TestObservedGeneration(t *testing.T) {
	objs := []cluster.Object{&cluster.Node{}, &cluster.Pod{}, &cluster.ReplicaSet{}, &cluster.Deployment{}, &cluster.StatefulSet{},
		&cluster.ControllerRevision{}, &cluster.PersistentVolumeClaim{}, &cluster.Job{}}
	kinds := map[cluster.Kind]bool{}
	for _, o := range objs {
		kinds[o.Kind()] = true
		m := o.Meta()
		m.Generation = 7
		want := m.Generation
		if x, ok := o.(cluster.Observer); ok {
			reflect.ValueOf(o).Elem().FieldByName("Status").FieldByName("ObservedGeneration").SetInt(5)
			want = x.ObservedGeneration()
			if want != 5 {
				t.Fatalf("%s: the test did not set its observed generation", o.Kind())
			}
		}
		if got := observedGeneration(o); got != want {
			t.Errorf("%s: observedGeneration %d, want %d", o.Kind(), got, want)
		}
	}
	for k := cluster.Kind(0); k.String() != fmt.Sprintf("Kind(%d)", uint8(k)); k++ {
		if !kinds[k] {
			t.Errorf("no object of kind %s in the test", k)
		}
	}
}
