package orchestration

import (
	"hash/maphash"

	"github.com/cespare/xxhash/v2"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/controllers"
	"github.com/themelios/themelios/models/memo"
)

// sentObjects interns the objects the controllers' writes send: a reconcile of one view and a
// reconcile of another often send equal objects (the StatefulSet controller creates the same
// pod whichever of two revisions it read, when they differ only in what it does not look at),
// and the datastore's WriteMemo knows a repeated write by the identity of its object. On the
// unreduced 59848 check, without interning, 10% of the writes sent an object equal to one sent
// before in another copy, and a further 18% went to a snapshot equal to one written before in
// another copy (which such writes had made, in part). With it, the write memo answers 84% of
// that check's writes instead of 55%, and the check takes 0.82x the time (every step
// explored; the model stops interning under the reduction: Model.reducing). Objects a
// reconcile sends as it read them (from its view) are already shared, and are left alone.
//
// Sound because an interned object has the content of the one it replaces (cluster.EqualContent,
// after a hash of the content), objects are never modified once made, and the write that
// carries it is the same write but for the identity of its object.
//
// A memo.Table of 1<<sentObjectBits slots. Safe for concurrent use (a reconcile's objects may
// be shared with other goroutines: intern only reads them, but for their derived values, set
// atomically).
type sentObjects struct {
	seed  maphash.Seed
	table *memo.Table[sentObject]
}

// sentObjectBits is the log2 of how many objects the table remembers at most.
const sentObjectBits = 12

type sentObject struct{ o cluster.Object }

func newSentObjects() *sentObjects {
	return &sentObjects{seed: maphash.MakeSeed(), table: memo.New[sentObject](sentObjectBits)}
}

// hash is a hash of o's content: its key, counters and static encoding.
func (t *sentObjects) hash(o cluster.Object) uint64 {
	const mul = 0x9E3779B97F4A7C15
	m := o.Meta()
	h := xxhash.Sum64(static(o).encoding) ^ uint64(o.Kind())<<56
	h = (h ^ maphash.String(t.seed, m.Name)) * mul
	h = (h ^ uint64(m.ResourceVersion) ^ uint64(m.Generation)<<32) * mul
	h = (h ^ uint64(m.UID) ^ uint64(m.CreationRevision)<<32 ^ uint64(m.DeletionTimestamp)<<48) * mul
	return h
}

// intern returns an object with o's content: one seen before, or o.
func (t *sentObjects) intern(o cluster.Object) cluster.Object {
	h := t.hash(o)
	if x := t.table.Get(h); x != nil && x.o.Kind() == o.Kind() && cluster.EqualContent(x.o, o) {
		return x.o
	}
	t.table.Put(h, &sentObject{o})
	return o
}

// internWrites replaces the objects that the writes of in (and of their Instead) send by
// interned ones, in copies of those writes.
func (t *sentObjects) internWrites(in []controllers.Intent, v *cluster.Cluster) {
	for k := range in {
		t.internIntent(&in[k], v)
	}
}

func (t *sentObjects) internIntent(in *controllers.Intent, v *cluster.Cluster) bool {
	changed := false
	if w := in.Write; w != nil && w.Object != nil && v.Get(w.Object.Kind(), w.Object.Meta().Name) != w.Object {
		if o := t.intern(w.Object); o != w.Object {
			c := *w
			c.Object = o
			in.Write, changed = &c, true
		}
	}
	if in.Instead != nil {
		if x := *in.Instead; t.internIntent(&x, v) {
			in.Instead, changed = &x, true
		}
	}
	return changed
}
