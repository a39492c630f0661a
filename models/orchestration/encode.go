package orchestration

import (
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// Encode writes s canonically, keeping of each counter only the comparisons the semantics make,
// so that states that differ only in counter values behave alike and fingerprint the same
// (otherwise a client that scales 2 → 3 → 2 forever, or a pod deleted and re-created, would
// make the state space infinite):
//   - revision numbers are not written: the history is written oldest first, and sessions and
//     observed revisions as a position in it (or "not retained");
//   - a resourceVersion is only compared with the same object's other copies (preconditions),
//     so it is written as its rank among them, plus whether the object was the latest write;
//   - a generation is only compared with the same object's (observed) generations: its rank
//     among them;
//   - creation revisions only order objects: their rank among all of them; a deletion
//     timestamp only says whether deletion was requested;
//   - UIDs are only compared for equality: numbered by first appearance.
func (m *Model) Encode(buf []byte, s State) []byte {
	var e encoder
	e.walk(s) // collect
	for _, t := range []*[]keyed{&e.rvs, &e.gens} {
		slices.SortFunc(*t, compareKeyed)
		*t = slices.Compact(*t)
	}
	slices.Sort(e.created)
	e.created = slices.Compact(e.created)
	e.emit, e.buf = true, buf
	e.walk(s)
	return e.buf
}

// keyed is a counter value of one object (kind and name).
type keyed struct {
	kind  cluster.Kind
	name  string
	value int64
}

func compareKeyed(a, b keyed) int {
	if a.kind != b.kind {
		return int(a.kind) - int(b.kind)
	}
	if c := strings.Compare(a.name, b.name); c != 0 {
		return c
	}
	return cmp.Compare(a.value, b.value)
}

// encoder walks a state twice: first collecting the values to renumber, then emitting.
type encoder struct {
	emit    bool
	buf     []byte
	history datastore.Store
	latest  bool // walking the latest revision
	rvs     []keyed
	gens    []keyed
	created []int64
	uids    []cluster.UID
	obj     keyed // the object being walked
}

func (e *encoder) int(v int64) {
	if e.emit {
		e.buf = binary.AppendVarint(e.buf, v)
	}
}

func (e *encoder) bool(b bool) {
	if b {
		e.int(1)
	} else {
		e.int(0)
	}
}

func (e *encoder) str(s string) {
	if e.emit {
		e.buf = binary.AppendUvarint(e.buf, uint64(len(s)))
		e.buf = append(e.buf, s...)
	}
}

// position writes a revision as its position in the retained history: 0 for none, -1 for
// one no longer retained.
func (e *encoder) position(rev int64) {
	switch first := e.history.History[0].Number; {
	case rev <= 0:
		e.int(0)
	case rev < first:
		e.int(-1)
	default:
		e.int(rev - first + 1)
	}
}

// rank writes the current object's value v as its rank in table t (filled when collecting).
func (e *encoder) rank(t *[]keyed, v int64) {
	k := keyed{e.obj.kind, e.obj.name, v}
	if !e.emit {
		*t = append(*t, k)
		return
	}
	i, _ := slices.BinarySearchFunc(*t, k, compareKeyed)
	first, _ := slices.BinarySearchFunc(*t, keyed{k.kind, k.name, math.MinInt64}, compareKeyed)
	e.int(int64(i - first))
}

func (e *encoder) creation(v int64) {
	if !e.emit {
		e.created = append(e.created, v)
		return
	}
	i, _ := slices.BinarySearch(e.created, v)
	e.int(int64(i))
}

func (e *encoder) uid(u cluster.UID) {
	if u == 0 {
		e.int(0)
		return
	}
	i := slices.Index(e.uids, u)
	if i < 0 {
		e.uids = append(e.uids, u)
		i = len(e.uids) - 1
	}
	e.int(int64(i) + 1)
}

func (e *encoder) labels(l cluster.Labels) {
	e.int(int64(len(l)))
	for _, kv := range l {
		e.str(kv.Key)
		e.str(kv.Value)
	}
}

func (e *encoder) strs(l []string) {
	e.int(int64(len(l)))
	for _, s := range l {
		e.str(s)
	}
}

func (e *encoder) walk(s State) {
	e.uids = e.uids[:0]
	e.history = s.Store
	e.int(int64(len(s.Store.History)))
	for i, r := range s.Store.History {
		e.latest = i == len(s.Store.History)-1
		objs := r.Cluster.Objects()
		e.int(int64(len(objs)))
		for _, o := range objs {
			e.object(o)
		}
	}
	for _, l := range s.Local {
		if l.Session == datastore.SessionReset {
			e.int(-2)
		} else {
			e.position(int64(l.Session))
		}
		e.bool(l.Down)
		e.int(int64(len(l.Containers)))
		for _, c := range l.Containers {
			e.str(c.Pod)
			e.uid(c.UID)
			e.int(int64(c.Exit))
		}
	}
}

func (e *encoder) meta(m *cluster.ObjectMeta) {
	e.str(m.Name)
	e.str(m.GenerateName)
	e.uid(m.UID)
	e.labels(m.Labels)
	e.labels(m.Annotations)
	e.int(int64(len(m.OwnerReferences)))
	for _, r := range m.OwnerReferences {
		e.int(int64(r.Kind))
		e.str(r.Name)
		e.uid(r.UID)
		e.bool(r.Controller)
	}
	e.strs(m.Finalizers)
	e.rank(&e.gens, m.Generation)
	e.rank(&e.rvs, m.ResourceVersion)
	if e.latest {
		e.bool(m.ResourceVersion == e.history.Latest().Number)
	}
	e.creation(m.CreationRevision)
	e.bool(m.Terminating())
}

func (e *encoder) podSpec(s *cluster.PodSpec) {
	e.str(s.NodeName)
	e.str(s.Image)
	e.int(s.CPU)
	e.str(string(s.RestartPolicy))
	e.int(int64(len(s.Tolerations)))
	for _, t := range s.Tolerations {
		e.str(t.Key)
		e.str(t.Value)
	}
	e.strs(s.Claims)
	e.str(s.Hostname)
}

func (e *encoder) template(t *cluster.PodTemplate) {
	e.labels(t.Labels)
	e.podSpec(&t.Spec)
}

func (e *encoder) object(o cluster.Object) {
	e.obj = keyed{kind: o.Kind(), name: o.Meta().Name}
	e.int(int64(o.Kind()))
	e.meta(o.Meta())
	switch x := o.(type) {
	case *cluster.Node:
		e.bool(x.Spec.Unschedulable)
		e.int(int64(len(x.Spec.Taints)))
		for _, t := range x.Spec.Taints {
			e.str(t.Key)
			e.str(t.Value)
			e.str(t.Effect)
		}
		e.bool(x.Status.Ready)
		e.int(x.Status.AllocatableCPU)
		e.int(x.Status.AllocatablePods)
	case *cluster.Pod:
		e.podSpec(&x.Spec)
		e.str(string(x.Status.Phase))
		e.bool(x.Status.Ready)
	case *cluster.ReplicaSet:
		e.int(x.Spec.Replicas)
		e.labels(x.Spec.Selector)
		e.template(&x.Spec.Template)
		st := x.Status
		e.int(st.Replicas)
		e.int(st.FullyLabeledReplicas)
		e.int(st.ReadyReplicas)
		e.int(st.AvailableReplicas)
		e.rank(&e.gens, st.ObservedGeneration)
		e.position(st.ObservedRevision)
	case *cluster.PersistentVolumeClaim:
		e.bool(x.Bound)
	default:
		// Kinds that no controller of the model writes yet: their values never change, so a
		// plain rendering is canonical.
		e.str(fmt.Sprintf("%+v", o))
	}
}
