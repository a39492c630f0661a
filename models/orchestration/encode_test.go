package orchestration

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
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

// TestSharedCounters checks that a snapshot sharing its predecessor's counters (counters with
// prev) has the counters computed afresh, on histories of replacements that change a pod's
// status, or its creation revision, UID, owners (added, changed, removed) or rollout revision
// annotation (set, renumbered, removed: the rollout flag flips with the number kept), or a
// ControllerRevision's revision, and of creates.
func TestSharedCounters(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	shared := 0
	for trial := 0; trial < 500; trial++ {
		var objs []cluster.Object
		for i := 0; i < 4; i++ {
			p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("p%d", i), UID: cluster.UID(i + 1), CreationRevision: int64(i + 1)}}
			objs = append(objs, p.DeepCopy())
		}
		r := &cluster.ControllerRevision{ObjectMeta: cluster.ObjectMeta{Name: "db-1", UID: 9, CreationRevision: 1}, Revision: 1}
		objs = append(objs, r.DeepCopy())
		prev := cluster.New(objs...)
		for step := 0; step < 10; step++ {
			var next *cluster.Cluster
			switch rng.IntN(8) {
			case 0:
				next = prev.With(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("q%d", step), UID: cluster.UID(10 + step), CreationRevision: int64(10 + step)}})
			case 1:
				q := prev.Revisions()[0].DeepCopy().(*cluster.ControllerRevision)
				q.Revision = int64(rng.IntN(3))
				next = prev.With(q)
			default:
				p := prev.Pods()[rng.IntN(len(prev.Pods()))].DeepCopy().(*cluster.Pod)
				switch rng.IntN(7) {
				case 0:
					p.CreationRevision += 5
				case 1:
					p.UID += 20
				case 2:
					p.OwnerReferences = []cluster.OwnerReference{{Kind: cluster.KindStatefulSet, Name: "db", UID: cluster.UID(30 + rng.IntN(2))}}
				case 3:
					p.OwnerReferences = nil
				case 4:
					// 0 as often as not: removing it flips the rollout flag and keeps the number
					p.Annotations = p.Annotations.With(controllers.RevisionAnnotation, fmt.Sprint([]int{0, 100 + step}[rng.IntN(2)]))
				case 5:
					p.Annotations = p.Annotations.Without(controllers.RevisionAnnotation)
				default:
					p.Status.Ready = !p.Status.Ready
				}
				next = prev.With(p)
			}
			counters(prev, nil)
			got := counters(next, prev)
			if got == counters(prev, nil) {
				shared++
			}
			want := counters(cluster.New(slices.Clone(next.Objects())...), nil)
			if !slices.Equal(got.created, want.created) || !slices.Equal(got.revisions, want.revisions) || got.maxUID != want.maxUID {
				t.Fatalf("trial %d step %d: counters %+v, afresh %+v", trial, step, *got, *want)
			}
			prev = next
		}
	}
	if shared == 0 {
		t.Fatal("no snapshot shared its predecessor's counters")
	}
}
