package orchestration

import (
	"bytes"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/datastore"
)

// Encode writes s canonically, keeping of each counter only the comparisons the semantics make,
// so that states that differ only in counter values behave alike and fingerprint the same
// (otherwise a client that scales 2 → 3 → 2 forever, or a pod deleted and re-created, would
// make the state space infinite):
//   - revision numbers are not written: the history is written object by object, each with
//     its copies in the retained revisions, oldest first; sessions and observed revisions are
//     written as a position in the history (or "not retained");
//   - a resourceVersion is only compared with the same object's other copies (preconditions),
//     so it is written as its rank among them, plus whether the object was the latest write;
//   - a generation is only compared with the same object's (observed) generations: its rank
//     among them;
//   - creation revisions only order objects: their rank among all of them; a deletion
//     timestamp only says whether deletion was requested;
//   - UIDs are only compared for equality: numbered by first appearance;
//   - rollout revision numbers (a Deployment's and its ReplicaSets' revision annotation, a
//     ControllerRevision's revision) are only compared and exceeded by one more than the
//     largest: their rank among all of them.
//
// A copy equal to the object's previous copy is written as a back-reference. Tombstones
// (Causal) are written with the object they bury: every tombstone kept has a retained copy.
//
// The encoder works on the stack: its buffer grows by an append for each value written, and a
// heap encoder's buffer pointer, stored back at each of them, would pass the garbage
// collector's write barrier while a collection runs (in WebAssembly, where the collector has
// the one thread, about a tenth of a check's time). Its scratch memory comes from a pool.
func (m *Model) Encode(buf []byte, s State) []byte {
	pooled := encoders.Get().(*encoder)
	e := *pooled
	e.reset(buf, s.Store)
	e.int(int64(s.Broken))
	table := m.storeEncodings() // nil under the reduction
	if c := e.stores.lookup(s.Store); c != nil {
		e.buf = append(e.buf, c.enc...)
		e.uids = append(e.uids, c.uids...)
	} else if x, h := table.lookup(s.Store); x != nil {
		e.buf = append(e.buf, x.enc...)
		e.uids = append(e.uids, x.uids...)
		e.stores.remember(s.Store, x.enc, x.uids)
	} else {
		from := len(e.buf)
		e.store(s.Store)
		e.stores.remember(s.Store, e.buf[from:], e.uids)
		table.remember(s.Store, h, e.buf[from:], e.uids)
	}
	for i, l := range s.Local {
		e.local(l, len(m.watch[i]), true)
		e.int(int64(len(l.Scheduler.Backoff)))
		for _, u := range l.Scheduler.Backoff {
			e.uid(u)
		}
		e.int(int64(len(l.Scheduler.Assumed)))
		for _, a := range l.Scheduler.Assumed {
			e.uid(a.UID)
			e.str(a.Node)
			e.int(a.CPU)
			e.position(a.Rev)
		}
		e.int(int64(len(l.Expect)))
		for _, x := range l.Expect {
			e.uid(x.Owner)
			e.position(x.Rev)
		}
	}
	out := e.buf
	e.buf, e.history = nil, datastore.Store{} // the caller's memory is not the pool's
	*pooled = e
	encoders.Put(pooled)
	return out
}

// store writes the history of st, object by object (see Encode), and leaves in e.uids the
// UIDs it numbered.
func (e *encoder) store(st datastore.Store) {
	hist := st.History
	var prev *cluster.Cluster
	var prevCounters *snapshotCounters
	for _, r := range hist {
		c := counters(r.Cluster, prev)
		prev = r.Cluster
		if c == prevCounters {
			continue // shared with the snapshot before: the same values
		}
		prevCounters = c
		e.created = mergeSorted(e.created, c.created, &e.merged)
		e.revisions = mergeSorted(e.revisions, c.revisions, &e.merged)
	}
	e.int(int64(len(hist)))
	// The copies of one object, on the stack for a short history (no write barrier either).
	var copyMem [16]cluster.Object
	pos, copies := e.pos[:0], copyMem[:0]
	if len(hist) > len(copyMem) {
		copies = make([]cluster.Object, 0, len(hist))
	}
	for range hist {
		pos, copies = append(pos, 0), append(copies, nil)
	}
	e.pos = pos
	for {
		// The next object key, in (kind, name) order, across the revisions.
		var key cluster.Key
		found := false
		for i, r := range hist {
			if keys := r.Cluster.Keys(); pos[i] < len(keys) && (!found || keys[pos[i]].Less(key)) {
				key, found = keys[pos[i]], true
			}
		}
		if !found {
			break
		}
		e.rvs, e.gens = e.rvs[:0], e.gens[:0]
		tomb := tombstone(st.Gone, key)
		if tomb > 0 {
			e.rvs = append(e.rvs, tomb)
		}
		for i, r := range hist {
			copies[i] = nil
			if keys := r.Cluster.Keys(); pos[i] < len(keys) && keys[pos[i]] == key {
				copies[i] = r.Cluster.Objects()[pos[i]]
				pos[i]++
				if i > 0 && copies[i] == copies[i-1] {
					continue // the same counters
				}
				m := copies[i].Meta()
				e.rvs = insertSorted(e.rvs, m.ResourceVersion)
				e.gens = insertSorted(insertSorted(e.gens, m.Generation), observedGeneration(copies[i]))
			}
		}
		e.int(int64(key.Kind))
		e.str(key.Name)
		last := e.last[:0] // the previous copy's encoding
		haveLast := false  // false after an absence
		for i, c := range copies {
			if c == nil {
				e.int(0) // absent from revision i
				haveLast = false
				continue
			}
			if haveLast && copies[i-1] == c {
				e.int(1) // the same copy as in the previous revision
				continue
			}
			e.int(2)
			at := len(e.buf)
			e.object(c)
			enc := e.buf[at:]
			if haveLast && string(last) == string(enc) {
				e.buf = e.buf[:at-1] // drop the copy and its one-byte marker
				e.int(1)
				continue
			}
			last, haveLast = append(last[:0], enc...), true
		}
		e.last = last
		if c := copies[len(hist)-1]; c != nil {
			e.bool(c.Meta().ResourceVersion == st.Latest().Number) // the latest write
		}
		if tomb > 0 {
			e.rank(e.rvs, tomb) // deleted in the latest revision's past (Causal)
		} else {
			e.int(-1)
		}
	}
}

// storeCache keeps an encoder's encodings of the last stores it wrote, by identity (the
// model's storeEncodings finds them by content when this misses). A store's
// part of a state's encoding depends on the store alone: the bytes Encode writes for the
// history, and the UIDs it numbers there in order of first appearance, which the numbering of
// the local states' UIDs continues. A successor shares its parent's store when its step writes
// nothing or its write is rejected (49% of the successors of the 59848 check with every step
// explored, 41% on the bounded replicaset/spec-replicas-change check under monotonic-session,
// two controllers), and a search encodes a state's successors one after the other, so all but
// the first of those that share the store find it here: 33% and 26% of those checks'
// encodings. Under the reduction, which skips most steps that leave the store as it was, and
// symmetry, 2–4%. A history's array is never written once a state holds it (datastore.Store:
// the datastore and the symmetry's permutations build a new array for a new history, and
// dropping old revisions re-slices it, which moves its first element; its tombstones change
// only with a new array), so the address of its first revision and its length identify it; an
// entry holds the array, so that no other history can be allocated at its address while the
// entry lasts.
type storeCache struct {
	entries [storeCacheSize]storeEntry
	clock   uint64 // counts lookups that found an entry and entries remembered
}

// storeCacheSize is how many stores an encoder remembers, the least recently used replaced:
// the parent's store stays while the successors that write (a new store each) and symmetry's
// permuted candidates come and go.
const storeCacheSize = 4

// storeEntry is a store's identity and its part of the encoding.
type storeEntry struct {
	first *datastore.Revision // &History[0]
	n     int                 // len(History)
	// enc is what Encode wrote for the store: len(History) as a varint, then its objects.
	enc []byte
	// uids are the UIDs it numbered, UID uids[i] written as i+1.
	uids []cluster.UID
	used uint64 // the clock when it was last found or remembered
}

// lookup returns the entry for st, or nil (always nil when the tests turn encodingCache off).
func (c *storeCache) lookup(st datastore.Store) *storeEntry {
	if !encodingCache || len(st.History) == 0 {
		return nil
	}
	for i := range c.entries {
		if x := &c.entries[i]; x.first == &st.History[0] && x.n == len(st.History) {
			c.clock++
			x.used = c.clock
			return x
		}
	}
	return nil
}

// remember keeps a copy of enc and uids as st's part of the encoding, in place of the least
// recently used entry (in its memory: nothing is allocated once the entries have grown).
func (c *storeCache) remember(st datastore.Store, enc []byte, uids []cluster.UID) {
	if !encodingCache || len(st.History) == 0 {
		return
	}
	x := &c.entries[0]
	for i := range c.entries {
		if c.entries[i].used < x.used {
			x = &c.entries[i]
		}
	}
	c.clock++
	x.first, x.n, x.used = &st.History[0], len(st.History), c.clock
	x.enc, x.uids = append(x.enc[:0], enc...), append(x.uids[:0], uids...)
}

// local writes a controller's session and the positions of the first caches of its other caches
// (CacheInformer), whether its node is down and its containers; uids says whether the
// containers' UIDs are written (numbered by first appearance) or left out (nodeSignature).
func (e *encoder) local(l *Local, caches int, uids bool) {
	e.session(l.Session)
	for _, c := range l.Caches[:caches] {
		e.session(c)
	}
	e.bool(l.Down)
	e.int(int64(len(l.Containers)))
	for _, c := range l.Containers {
		e.str(c.Pod)
		if uids {
			e.uid(c.UID)
		}
		e.int(int64(c.Exit))
		e.bool(c.Reported)
		e.int(c.CPU)
	}
}

// rolloutRevision is an object's rollout revision number, if it has one.
func rolloutRevision(o cluster.Object) (int64, bool) {
	if r, ok := o.(*cluster.ControllerRevision); ok {
		return r.Revision, true
	}
	if v, ok := o.Meta().Annotations.Get(controllers.RevisionAnnotation); ok {
		n, err := strconv.ParseInt(v, 10, 64)
		return n, err == nil
	}
	return 0, false
}

// encoders recycles encoders' scratch memory across calls (from any goroutine).
var encoders = sync.Pool{New: func() any { return &encoder{stores: new(storeCache)} }}

// scratchEncoder lends an encoder from the pool that writes into memory of its own (own: its
// buf, after Encode, still holds that caller's memory); release gives it back.
func scratchEncoder() *encoder {
	e := encoders.Get().(*encoder)
	e.buf = e.own[:0]
	return e
}

// release returns a scratchEncoder's encoder to the pool, keeping what it wrote as its memory.
func (e *encoder) release() {
	e.own, e.buf = e.buf, nil
	encoders.Put(e)
}

// reset prepares e to write a state into buf.
func (e *encoder) reset(buf []byte, h datastore.Store) {
	e.buf, e.history = buf, h
	e.rvs, e.gens, e.created, e.uids, e.revisions = e.rvs[:0], e.gens[:0], e.created[:0], e.uids[:0], e.revisions[:0]
}

// tombstone returns the revision at which the object of that key was deleted, if gone lists
// it, or 0.
func tombstone(gone []datastore.Tombstone, key cluster.Key) int64 {
	for _, t := range gone {
		if t.Kind == key.Kind && t.Name == key.Name {
			return t.Revision
		}
	}
	return 0
}

// snapshotCounters are the counters of one snapshot that the encoding ranks over the whole
// history: its objects' creation revisions and rollout revision numbers, sorted, without
// repeats; and the largest UID its objects carry or refer to (maxUID), above which a write
// numbers a new object (nextUID). Computed once per snapshot.
type snapshotCounters struct {
	created, revisions []int64
	maxUID             cluster.UID
	// created's and revisions' memory, for snapshots of up to 14 objects and 2 rollout
	// revisions: one allocation (of the size that created's alone had before).
	mem  [14]int64
	rmem [2]int64
}

// countersSlot keeps them on each snapshot.
var countersSlot = cluster.NewMemoSlot[snapshotCounters]()

// counters returns c's counters. prev, when not nil, is the snapshot before c in a history: a
// snapshot that replaces objects of prev (the key list shared: cluster.Cluster.With) by copies
// with the same creation revision, rollout revision and largest UID has prev's counters,
// shared (a write of a status, a binding, most updates: at least 40% of the snapshots of the
// unreduced 59848 check, 91% of the bounded replicaset/spec-replicas-change check,
// monotonic-session, 2 controllers).
func counters(c, prev *cluster.Cluster) *snapshotCounters {
	return cluster.Memo(c, countersSlot, func() *snapshotCounters {
		if prev != nil && sameCounters(c, prev) {
			return counters(prev, nil)
		}
		sc := new(snapshotCounters)
		if sc.created = sc.mem[:0]; len(c.Objects()) > len(sc.mem) {
			sc.created = make([]int64, 0, len(c.Objects()))
		}
		sc.revisions = sc.rmem[:0]
		for _, o := range c.Objects() {
			sc.created = insertSorted(sc.created, o.Meta().CreationRevision)
			if st := static(o); st.rollout {
				sc.revisions = insertSorted(sc.revisions, st.revision)
			}
		}
		sc.maxUID = maxUID(c)
		return sc
	})
}

// sameCounters reports whether c replaces objects of prev (the same key list, by identity) by
// copies that count the same: creation revision, rollout revision and largest UID
// (objectMaxUID, whose largest over the objects is the counters' maxUID).
func sameCounters(c, prev *cluster.Cluster) bool {
	a, b := c.Keys(), prev.Keys()
	if len(a) != len(b) || len(a) == 0 || &a[0] != &b[0] {
		return false
	}
	prevObjs := prev.Objects()
	for i, o := range c.Objects() {
		p := prevObjs[i]
		if o == p {
			continue
		}
		if o.Meta().CreationRevision != p.Meta().CreationRevision || objectMaxUID(o) != objectMaxUID(p) {
			return false
		}
		if so, sp := static(o), static(p); so.rollout != sp.rollout || so.revision != sp.revision {
			return false
		}
	}
	return true
}

// insertSorted adds v to the sorted set t (a few values: a linear insertion).
func insertSorted(t []int64, v int64) []int64 {
	i := len(t)
	for i > 0 && t[i-1] > v {
		i--
	}
	if i > 0 && t[i-1] == v {
		return t
	}
	t = append(t, 0)
	copy(t[i+1:], t[i:])
	t[i] = v
	return t
}

// mergeSorted returns the union of the sorted sets a and b, in tmp's memory; a's memory
// becomes the next scratch (*tmp). b is only read.
func mergeSorted(a, b []int64, tmp *[]int64) []int64 {
	out := (*tmp)[:0]
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || i < len(a) && a[i] < b[j]:
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	*tmp = a[:0]
	return out
}

// observedGeneration is the generation a status says it observed (the generation itself for
// kinds without one).
//
// The kinds are switched on first: a type switch on concrete types compares type words, where
// asserting the cluster.Observer interface looks the pair up in the runtime's cache (in
// WebAssembly, 2% of the 59848 check under symmetry, for every copy Encode writes).
// TestObservedGeneration checks the switch against the interface on every kind.
func observedGeneration(o cluster.Object) int64 {
	switch x := o.(type) {
	case *cluster.ReplicaSet:
		return x.Status.ObservedGeneration
	case *cluster.Deployment:
		return x.Status.ObservedGeneration
	case *cluster.StatefulSet:
		return x.Status.ObservedGeneration
	case *cluster.Job:
		return x.Status.ObservedGeneration
	case *cluster.Pod, *cluster.Node, *cluster.PersistentVolumeClaim, *cluster.ControllerRevision:
		return o.Meta().Generation
	}
	if x, ok := o.(cluster.Observer); ok {
		return x.ObservedGeneration()
	}
	return o.Meta().Generation
}

// encoder writes one state.
type encoder struct {
	buf     []byte
	history datastore.Store
	rvs     []int64 // the current object's resourceVersions, sorted
	gens    []int64 // the current object's (observed) generations, sorted
	created []int64 // every creation revision, sorted
	uids    []cluster.UID
	// revisions are every rollout revision number, sorted.
	revisions []int64
	// Scratch reused across states.
	merged []int64
	pos    []int
	last   []byte
	// own is staticEncoding's buffer (buf, after Encode, still holds its caller's memory).
	own []byte
	// stores are the stores Encode wrote last (a pointer: Encode copies the encoder).
	stores *storeCache
}

// int writes v as encoding/binary's AppendVarint does (zig-zag, then 7 bits a byte).
func (e *encoder) int(v int64) {
	u := uint64(v) << 1
	if v < 0 {
		u = ^u
	}
	e.uvarint(u)
}

// uvarint writes v as encoding/binary's AppendUvarint does. It appends to e.buf in place:
// unless the buffer grows, only its length is stored back, where a call that returns the
// slice stores its pointer too, through the garbage collector's write barrier while a
// collection runs.
func (e *encoder) uvarint(v uint64) {
	for v >= 0x80 {
		e.buf = append(e.buf, byte(v)|0x80)
		v >>= 7
	}
	e.buf = append(e.buf, byte(v))
}

func (e *encoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, 2)
	} else {
		e.buf = append(e.buf, 0)
	}
}

func (e *encoder) str(s string) {
	e.uvarint(uint64(len(s)))
	e.buf = append(e.buf, s...)
}

// session writes a session (a cache's position): restarted, or its position in the history.
func (e *encoder) session(s datastore.Session) {
	if s == datastore.SessionReset {
		e.int(-2)
	} else {
		e.position(int64(s))
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

// rank writes v as its index in the sorted values of t.
func (e *encoder) rank(t []int64, v int64) {
	i, _ := slices.BinarySearch(t, v)
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

// object writes o: its fields that do not depend on the rest of the state, computed once per
// object (objects are shared by the snapshots and states that hold them), then the counters
// written relative to the state (UIDs, ranks, positions).
func (e *encoder) object(o cluster.Object) {
	e.buf = append(e.buf, static(o).encoding...)
	e.relative(o)
}

// objectFacts is what the encoding derives from an object alone, kept with the object
// (cluster.ObjectMemo): its static encoding and rollout revision number.
type objectFacts struct {
	encoding []byte
	revision int64
	rollout  bool // it has a rollout revision
	// renamed is the object under each of a model's node permutations (nodeSymmetry.object).
	renamed atomic.Pointer[renamings]
}

// static returns o's facts.
func static(o cluster.Object) *objectFacts {
	if !encodingCache {
		return newObjectFacts(o)
	}
	return cluster.ObjectMemo(o.Meta(), func() *objectFacts { return newObjectFacts(o) })
}

func newObjectFacts(o cluster.Object) *objectFacts {
	f := &objectFacts{encoding: staticEncoding(o)}
	f.revision, f.rollout = rolloutRevision(o)
	return f
}

// encodingCache keeps each object's facts with the object (tests turn it off to compare).
var encodingCache = true

// staticEncoding is the encoding of o's fields that do not depend on the rest of the state:
// all but its UIDs and counters (written by relative).
func staticEncoding(o cluster.Object) []byte {
	e := scratchEncoder()
	defer e.release()
	e.writeStatic(o)
	return bytes.Clone(e.buf) // kept with the object: exactly its size
}

// writeStatic writes staticEncoding(o).
func (e *encoder) writeStatic(o cluster.Object) {
	m := o.Meta()
	e.str(m.GenerateName)
	e.labels(m.Labels)
	e.int(int64(len(m.Annotations)))
	for _, kv := range m.Annotations {
		e.str(kv.Key)
		if _, ok := rolloutAnnotation(kv); !ok {
			e.str(kv.Value)
		}
	}
	e.int(int64(len(m.OwnerReferences)))
	for _, r := range m.OwnerReferences {
		e.int(int64(r.Kind))
		e.str(r.Name)
		e.bool(r.Controller)
	}
	e.strs(m.Finalizers)
	e.bool(m.Terminating())
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
		e.str(x.Status.Reason)
	case *cluster.ReplicaSet:
		e.int(x.Spec.Replicas)
		e.labels(x.Spec.Selector)
		e.template(&x.Spec.Template)
		st := x.Status
		e.int(st.Replicas)
		e.int(st.FullyLabeledReplicas)
		e.int(st.ReadyReplicas)
		e.int(st.AvailableReplicas)
	case *cluster.PersistentVolumeClaim:
		e.bool(x.Bound)
	case *cluster.Deployment:
		sp := &x.Spec
		e.int(sp.Replicas)
		e.labels(sp.Selector)
		e.template(&sp.Template)
		e.strs([]string{sp.Strategy, sp.MaxSurge, sp.MaxUnavailable})
		e.int(sp.MinReadySeconds)
		e.int(sp.RevisionHistoryLimit)
		e.bool(sp.Paused)
		st := &x.Status
		for _, n := range []int64{st.Replicas, st.UpdatedReplicas, st.ReadyReplicas, st.AvailableReplicas, st.UnavailableReplicas, st.CollisionCount} {
			e.int(n)
		}
		e.bool(st.Available)
		e.str(st.Progressing)
	case *cluster.StatefulSet:
		sp := &x.Spec
		e.int(sp.Replicas)
		e.labels(sp.Selector)
		e.template(&sp.Template)
		e.strs([]string{sp.PodManagementPolicy, sp.UpdateStrategy})
		e.int(sp.Partition)
		e.strs(sp.VolumeClaimTemplates)
		e.int(sp.StartOrdinal)
		e.int(sp.RevisionHistoryLimit)
		st := &x.Status
		for _, n := range []int64{st.Replicas, st.ReadyReplicas, st.AvailableReplicas, st.CurrentReplicas, st.UpdatedReplicas} {
			e.int(n)
		}
		e.strs([]string{st.CurrentRevision, st.UpdateRevision})
	case *cluster.ControllerRevision:
		e.template(&x.Template)
	case *cluster.Job:
		sp := &x.Spec
		for _, n := range []int64{sp.Parallelism, sp.Completions, sp.BackoffLimit} {
			e.int(n)
		}
		e.str(sp.CompletionMode)
		e.bool(sp.Suspend)
		e.labels(sp.Selector)
		e.template(&sp.Template)
		st := &x.Status
		for _, n := range []int64{st.Active, st.Ready, st.Succeeded, st.Failed} {
			e.int(n)
		}
		e.str(st.Condition)
		e.int(int64(len(st.UncountedSucceeded)))
		e.int(int64(len(st.UncountedFailed)))
		e.int(int64(len(st.CompletedIndexes)))
		for _, i := range st.CompletedIndexes {
			e.int(i)
		}
	default:
		panic(fmt.Sprintf("orchestration: no encoding for kind %s", o.Kind()))
	}
}

// rolloutAnnotation reports whether kv is a rollout revision annotation, and its number.
func rolloutAnnotation(kv cluster.KV) (int64, bool) {
	if kv.Key != controllers.RevisionAnnotation {
		return 0, false
	}
	n, err := strconv.ParseInt(kv.Value, 10, 64)
	return n, err == nil
}

// relative writes o's UIDs and counters, relative to the state (see Encode).
func (e *encoder) relative(o cluster.Object) {
	m := o.Meta()
	e.uid(m.UID)
	for _, r := range m.OwnerReferences {
		e.uid(r.UID)
	}
	for _, kv := range m.Annotations {
		if n, ok := rolloutAnnotation(kv); ok {
			e.rank(e.revisions, n)
		}
	}
	e.rank(e.gens, m.Generation)
	e.rank(e.rvs, m.ResourceVersion)
	e.rank(e.created, m.CreationRevision)
	switch x := o.(type) {
	case *cluster.ReplicaSet:
		e.rank(e.gens, x.Status.ObservedGeneration)
	case *cluster.Deployment:
		e.rank(e.gens, x.Status.ObservedGeneration)
	case *cluster.StatefulSet:
		e.rank(e.gens, x.Status.ObservedGeneration)
	case *cluster.ControllerRevision:
		e.rank(e.revisions, x.Revision)
	case *cluster.Job:
		for _, l := range [][]cluster.UID{x.Status.UncountedSucceeded, x.Status.UncountedFailed} {
			for _, u := range l {
				e.uid(u)
			}
		}
		e.rank(e.gens, x.Status.ObservedGeneration)
	}
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
