package cluster

import (
	"cmp"
	"slices"
	"sort"
	"strings"
	"sync/atomic"
	"unsafe"
)

// Cluster is a snapshot of every object at one revision, ordered by kind, then name. It is
// immutable: With and Without return new snapshots that share the unchanged objects.
type Cluster struct {
	objs []Object
	keys []Key                     // each object's kind and name, in the same order
	memo [memoSlots]unsafe.Pointer // what users derived from the snapshot (see Memo), set once each
	// typed is, made on the first call of Pods, Nodes, ..., the first element of every
	// object's pointer, in the order of objs: each kind's run of it is the []*T they return.
	typed atomic.Pointer[unsafe.Pointer]
}

// MemoSlot names a value of type T that users derive from snapshots (see Memo).
type MemoSlot[T any] struct{ n uint8 }

// memoSlots is how many slots a snapshot has.
const memoSlots = 8

var slotsTaken atomic.Int32

// NewMemoSlot reserves a slot in every snapshot, for one kind of derived value; call it once,
// at package initialisation. It panics when none is left.
func NewMemoSlot[T any]() MemoSlot[T] {
	n := slotsTaken.Add(1) - 1
	if n >= memoSlots {
		panic("cluster: no memo slot left")
	}
	return MemoSlot[T]{uint8(n)}
}

// Key is an object's kind and name, which identify it in a snapshot.
type Key struct {
	Kind Kind
	Name string
}

// Less orders keys by kind, then name (the order of a snapshot's objects).
func (k Key) Less(o Key) bool { return k.Kind < o.Kind || k.Kind == o.Kind && k.Name < o.Name }

// Compare orders keys as Less does: -1 if k comes first, 1 if o does, 0 if they are equal.
func (k Key) Compare(o Key) int {
	if c := cmp.Compare(k.Kind, o.Kind); c != 0 {
		return c
	}
	return strings.Compare(k.Name, o.Name)
}

// KeyOf returns o's key.
func KeyOf(o Object) Key { return Key{o.Kind(), o.Meta().Name} }

// Memo returns the value its users derived from snapshot c in slot, computing it with derive
// the first time. derive must be a pure function of the snapshot (its objects' creation
// revisions, say, or a table that caches reconciles of this view) and return non-nil: under
// contention it may run more than once, and one result is kept. Safe for concurrent use; the
// value lives as long as the snapshot.
func Memo[T any](c *Cluster, slot MemoSlot[T], derive func() *T) *T {
	p := &c.memo[slot.n]
	if v := atomic.LoadPointer(p); v != nil {
		return (*T)(v)
	}
	v := derive()
	if atomic.CompareAndSwapPointer(p, nil, unsafe.Pointer(v)) {
		return v
	}
	return (*T)(atomic.LoadPointer(p))
}

// New returns a snapshot of the given objects (which it sorts and keeps).
func New(objs ...Object) *Cluster {
	// A generic sort: sort.Slice's reflection allocates twice a call, and snapshots are made
	// for most successors.
	slices.SortFunc(objs, func(a, b Object) int { return KeyOf(a).Compare(KeyOf(b)) })
	keys := make([]Key, len(objs))
	for i, o := range objs {
		keys[i] = KeyOf(o)
	}
	return &Cluster{objs: objs, keys: keys}
}

// search returns the position of key, or where it would be inserted.
func (c *Cluster) search(key Key) int {
	return sort.Search(len(c.keys), func(i int) bool { return !c.keys[i].Less(key) })
}

// Get returns the object of kind k named name, or nil.
func (c *Cluster) Get(k Kind, name string) Object {
	key := Key{k, name}
	if i := c.search(key); i < len(c.keys) && c.keys[i] == key {
		return c.objs[i]
	}
	return nil
}

// Objects returns every object, ordered by kind then name. Do not modify.
func (c *Cluster) Objects() []Object { return c.objs }

// Keys returns every object's key, in the order of Objects. Do not modify.
func (c *Cluster) Keys() []Key { return c.keys }

// OfKind returns the objects of kind k, ordered by name. Do not modify.
func (c *Cluster) OfKind(k Kind) []Object {
	lo, hi := c.kindRange(k)
	return c.objs[lo:hi]
}

// kindRange is where the objects of kind k lie in the snapshot: objs[lo:hi].
func (c *Cluster) kindRange(k Kind) (lo, hi int) {
	lo = c.search(Key{k, ""})
	return lo, lo + sort.Search(len(c.keys)-lo, func(i int) bool { return c.keys[lo+i].Kind > k })
}

// SameKind reports whether c and d hold the same objects of kind k (the same shared copies:
// snapshots of one history share the objects a write did not change).
func SameKind(c, d *Cluster, k Kind) bool {
	if c == d {
		return true
	}
	return slices.Equal(c.OfKind(k), d.OfKind(k))
}

// Composed returns c with its objects of each kind kinds[i] replaced by those of from[i] (a
// view read through one cache per kind); c itself when every from[i] holds the same objects
// of its kind as c.
func (c *Cluster) Composed(kinds []Kind, from []*Cluster) *Cluster {
	if len(kinds) != len(from) {
		panic("cluster: Composed needs one snapshot per kind")
	}
	same := true
	for i, k := range kinds {
		same = same && SameKind(c, from[i], k)
	}
	if same {
		return c
	}
	source := func(k Kind) *Cluster {
		for i, x := range kinds {
			if x == k {
				return from[i]
			}
		}
		return c
	}
	var objs []Object
	var keys []Key
	for k := Kind(0); k < numKinds; k++ {
		src := source(k)
		lo, hi := src.kindRange(k)
		objs = append(objs, src.objs[lo:hi]...)
		keys = append(keys, src.keys[lo:hi]...)
	}
	return &Cluster{objs: objs, keys: keys}
}

// With returns a snapshot where o replaces the object of its kind and name, or is added.
func (c *Cluster) With(o Object) *Cluster {
	key := KeyOf(o)
	i := c.search(key)
	if i < len(c.keys) && c.keys[i] == key {
		// A replacement: the keys are the same, and shared (they are never modified).
		objs := slices.Clone(c.objs)
		objs[i] = o
		return &Cluster{objs: objs, keys: c.keys}
	}
	n := len(c.objs) + 1
	objs, keys := make([]Object, 0, n), make([]Key, 0, n)
	objs = append(append(append(objs, c.objs[:i]...), o), c.objs[i:]...)
	keys = append(append(append(keys, c.keys[:i]...), key), c.keys[i:]...)
	return &Cluster{objs: objs, keys: keys}
}

// Without returns a snapshot without the object of kind k named name.
func (c *Cluster) Without(k Kind, name string) *Cluster {
	key := Key{k, name}
	i := c.search(key)
	if i == len(c.keys) || c.keys[i] != key {
		return c
	}
	objs := append(append(make([]Object, 0, len(c.objs)-1), c.objs[:i]...), c.objs[i+1:]...)
	keys := append(append(make([]Key, 0, len(c.keys)-1), c.keys[:i]...), c.keys[i+1:]...)
	return &Cluster{objs: objs, keys: keys}
}

// Pods returns the pods, ordered by name. Do not modify.
func (c *Cluster) Pods() []*Pod { return typed[*Pod](c, KindPod) }

// Nodes returns the nodes, ordered by name. Do not modify.
func (c *Cluster) Nodes() []*Node { return typed[*Node](c, KindNode) }

// ReplicaSets returns the ReplicaSets, ordered by name. Do not modify.
func (c *Cluster) ReplicaSets() []*ReplicaSet { return typed[*ReplicaSet](c, KindReplicaSet) }

// Deployments returns the Deployments, ordered by name. Do not modify.
func (c *Cluster) Deployments() []*Deployment { return typed[*Deployment](c, KindDeployment) }

// StatefulSets returns the StatefulSets, ordered by name. Do not modify.
func (c *Cluster) StatefulSets() []*StatefulSet { return typed[*StatefulSet](c, KindStatefulSet) }

// Revisions returns the ControllerRevisions, ordered by name. Do not modify.
func (c *Cluster) Revisions() []*ControllerRevision {
	return typed[*ControllerRevision](c, KindControllerRevision)
}

// Jobs returns the Jobs, ordered by name. Do not modify.
func (c *Cluster) Jobs() []*Job { return typed[*Job](c, KindJob) }

// Claims returns the PersistentVolumeClaims, ordered by name. Do not modify.
func (c *Cluster) Claims() []*PersistentVolumeClaim {
	return typed[*PersistentVolumeClaim](c, KindPersistentVolumeClaim)
}

// typed returns c's objects of kind k as a []T (T the kind's pointer type). The pointers of
// every kind are made once per snapshot, in one list: a snapshot is asked for its pods by many
// controllers and states. Callers share it, and must not modify it.
func typed[T Object](c *Cluster, k Kind) []T {
	lo, hi := c.kindRange(k)
	if lo == hi {
		return nil
	}
	p := c.typed.Load()
	if p == nil {
		ptrs := make([]unsafe.Pointer, len(c.objs))
		for i, o := range c.objs {
			ptrs[i] = dataPointer(o)
		}
		c.typed.CompareAndSwap(nil, &ptrs[0]) // any one of equal lists
		p = c.typed.Load()
	}
	out := unsafe.Slice((*T)(unsafe.Pointer(p)), len(c.objs))[lo:hi:hi]
	if any(out[0]) != c.objs[lo] { // the kinds' pointer types are what Kind says
		panic("cluster: an object of kind " + k.String() + " is not of its kind's type")
	}
	return out
}

// dataPointer is the pointer an Object holds (every Object is a pointer to its kind's struct).
func dataPointer(o Object) unsafe.Pointer {
	return (*[2]unsafe.Pointer)(unsafe.Pointer(&o))[1]
}

// Node returns the node named name, or nil.
func (c *Cluster) Node(name string) *Node {
	if o := c.Get(KindNode, name); o != nil {
		return o.(*Node)
	}
	return nil
}

// Pod returns the pod named name, or nil.
func (c *Cluster) Pod(name string) *Pod {
	if o := c.Get(KindPod, name); o != nil {
		return o.(*Pod)
	}
	return nil
}

// PodWithUID returns the pod of UID u, or nil.
func (c *Cluster) PodWithUID(u UID) *Pod {
	for _, p := range c.Pods() {
		if p.UID == u {
			return p
		}
	}
	return nil
}
