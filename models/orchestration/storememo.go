package orchestration

import (
	"hash/maphash"
	"slices"
	"unsafe"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/memo"
)

// storeEncodings remembers the store's part of the encoding (see storeCache) by the store's
// content: its revisions' numbers and snapshots, by identity, and its tombstones. An encoder's
// storeCache finds a store it wrote moments ago by the identity of its history's array; but a
// write makes a new array for every successor, and since the datastore's WriteMemo shares the
// snapshots that repeated writes give, successors of different states that slide the same
// write onto the same window hold equal histories in distinct arrays. Of the stores the
// storeCache misses, 66% had an equal history encoded before on the unreduced 59848 check,
// and 88% on the bounded replicaset/spec-replicas-change check under monotonic-session with
// two controllers, before the model interned the objects its writes send (sentObjects); with
// that, and 1<<storeEncodingBits slots, this table answers 84% and 91% of them. Every store
// it misses is remembered: remembering only a store that had missed before in its slot (so
// that a store met once costs no copy) answered 69% on 59848, and took 1.07x the time.
//
// Sound because the store's part of the encoding is a function of its content (storeCache),
// snapshots are never modified once made, and an entry holds a copy of its history, so that no
// other snapshot is allocated at the addresses of its snapshots while the entry lasts.
//
// A memo.Table of 1<<storeEncodingBits slots (a lost entry costs only an encoding). Safe for
// concurrent use: an entry is never modified once stored.
type storeEncodings struct {
	seed  maphash.Seed
	table *memo.Table[storeEncoding]
}

// storeEncodingBits is the log2 of how many store encodings the table remembers at most.
const storeEncodingBits = 14

// storeEncoding is a store and its part of the encoding: what Encode writes for it (the
// history's length as a varint, then its objects) and the UIDs it numbers there, UID uids[i]
// written as i+1. Never modified once made.
type storeEncoding struct {
	n    int                               // len(History)
	hist [inlineHistory]datastore.Revision // History, when it is this short
	more []datastore.Revision              // else History
	gone []datastore.Tombstone
	enc  []byte
	uids []cluster.UID // in own when they fit
	own  [inlineUIDs]cluster.UID
}

// inlineHistory is the longest history a storeEncoding holds in itself (one allocation, and
// compared in the cache lines its hash is in).
const inlineHistory = 8

// inlineUIDs is how many UIDs a storeEncoding holds in itself.
const inlineUIDs = 16

// storeEncodings is the model's table of store encodings, nil once it is reducing.
func (m *Model) storeEncodings() *storeEncodings {
	if m.reducing.Load() {
		return nil
	}
	return m.encodings
}

func newStoreEncodings() *storeEncodings {
	return &storeEncodings{seed: maphash.MakeSeed(), table: memo.New[storeEncoding](storeEncodingBits)}
}

// hash mixes st's revision numbers and snapshot addresses, and its tombstones.
func (t *storeEncodings) hash(st datastore.Store) uint64 {
	const mul = 0x9E3779B97F4A7C15
	h := uint64(len(st.History))
	for _, r := range st.History {
		h = (h ^ uint64(r.Number) ^ uint64(uintptr(unsafe.Pointer(r.Cluster)))) * mul
	}
	for _, g := range st.Gone {
		h = (h ^ uint64(g.Revision) ^ uint64(g.Kind)<<48 ^ maphash.String(t.seed, g.Name)) * mul
	}
	return h
}

// lookup returns the entry for a store equal to st, or nil (always nil when the tests turn
// encodingCache off), and st's hash for remember.
func (t *storeEncodings) lookup(st datastore.Store) (*storeEncoding, uint64) {
	if t == nil || !encodingCache {
		return nil, 0
	}
	h := t.hash(st)
	if x := t.table.Get(h); x != nil && slices.Equal(x.history(), st.History) && slices.Equal(x.gone, st.Gone) {
		return x, h
	}
	return nil, h
}

// history is the entry's history.
func (x *storeEncoding) history() []datastore.Revision {
	if x.more != nil {
		return x.more
	}
	return x.hist[:x.n]
}

// remember keeps copies of enc and uids as the encoding of st, whose hash is h (unless the
// tests turn encodingCache off).
func (t *storeEncodings) remember(st datastore.Store, h uint64, enc []byte, uids []cluster.UID) {
	if t == nil || !encodingCache {
		return
	}
	x := &storeEncoding{n: len(st.History), gone: slices.Clone(st.Gone)}
	if len(uids) <= inlineUIDs {
		x.uids = x.own[:copy(x.own[:], uids)]
	} else {
		x.uids = slices.Clone(uids)
	}
	if len(st.History) <= inlineHistory {
		copy(x.hist[:], st.History)
	} else {
		x.more = slices.Clone(st.History)
	}
	x.enc = slices.Clone(enc)
	t.table.Put(h, x)
}
