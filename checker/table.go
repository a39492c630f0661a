package checker

import (
	"math/bits"
	"runtime"
	"sync/atomic"

	"github.com/cespare/xxhash/v2"
)

// Fingerprints are 63-bit xxhash values of a state's canonical encoding, never 0 (the empty
// slot). The top bit of a stored fingerprint, curLevel, marks a state first reached in the BFS
// level being expanded: its parent link is still a claim (see table.claim).
const (
	fpMask   = 1<<63 - 1
	curLevel = 1 << 63
)

// tombstone marks the slot of a state removed from the table (see table.remove): no
// fingerprint, so that lookups probe past it.
const tombstone = curLevel

// Parent links are slot indexes, or, while curLevel is set, claimBit|position of the claiming
// parent in the level being expanded. rootParent marks an initial state.
const (
	claimBit   = 1 << 31
	rootParent = claimBit - 1
	maxSlots   = rootParent // slot indexes stay below rootParent
)

const (
	initialSlots = 1 << 14
	maxLoad      = 0.85 // grow when more than this fraction of slots is used
	growFactor   = 2
)

// fingerprint hashes a canonical encoding to a non-zero 63-bit fingerprint.
func fingerprint(enc []byte) uint64 {
	fp := xxhash.Sum64(enc) & fpMask
	if fp == 0 {
		fp = 1
	}
	return fp
}

// table is an open-addressing (linear probing) set of fingerprints, each with an optional
// 32-bit parent link: 8 or 12 bytes a slot, no per-state heap objects. Lookups and inserts
// (claim, insert) are safe for concurrent use; grow must run alone.
//
// claim leaves counting to its callers, which add their inserts to count in batches of at most
// countBatch (see counted), so that concurrent workers do not contend for one counter.
type table struct {
	fps     []uint64
	parents []uint32 // nil when the table keeps no parent links
	limit   int64    // inserts beyond this many states report full until grow
	slack   int64    // inserts that may be made but not yet counted
	grown   int      // times the slots were (re)allocated: slot indexes are valid until it changes
	_       [64]byte // keep count's cache line apart from the fields every lookup reads
	count   atomic.Int64
	_       [56]byte
}

// countBatch is how many inserts a worker may make before adding them to table.count.
const countBatch = 32

// newTable makes a table for the given number of concurrent inserters.
func newTable(withParents bool, workers int) *table {
	t := &table{slack: int64(countBatch * workers)}
	t.alloc(max(initialSlots, int(8*t.slack)), withParents)
	return t
}

func (t *table) alloc(n int, withParents bool) {
	t.fps = make([]uint64, n)
	t.parents = nil
	if withParents {
		t.parents = make([]uint32, n)
	}
	t.limit = int64(float64(n)*maxLoad) - t.slack
	t.grown++
}

// home is the first slot probed for fp (a multiply-shift range reduction of its bits).
func (t *table) home(fp uint64) int {
	hi, _ := bits.Mul64(fp<<1, uint64(len(t.fps)))
	return int(hi)
}

// bytes is the memory held by the table's slots.
func (t *table) bytes() int64 {
	return int64(len(t.fps))*8 + int64(len(t.parents))*4
}

// peek loads fp's first slot and returns it, to bring it into the cache ahead of use.
func (t *table) peek(fp uint64) uint64 { return atomic.LoadUint64(&t.fps[t.home(fp)]) }

// find returns the slot holding fp, or -1.
func (t *table) find(fp uint64) int {
	n := len(t.fps)
	for i := t.home(fp); ; {
		v := atomic.LoadUint64(&t.fps[i])
		if v == 0 {
			return -1
		}
		if v&fpMask == fp {
			return i
		}
		if i++; i == n {
			i = 0
		}
	}
}

// insert adds fp with parent link parent (ignored without parent links). It reports whether fp
// was new, and full (nothing done) when the table must grow first.
func (t *table) insert(fp uint64, parent uint32) (slot int, added, full bool) {
	n := len(t.fps)
	for i := t.home(fp); ; {
		v := atomic.LoadUint64(&t.fps[i])
		if v == 0 {
			if t.count.Load() >= t.limit {
				return -1, false, true
			}
			if !atomic.CompareAndSwapUint64(&t.fps[i], 0, fp) {
				continue // lost the slot to another insert: look at it again
			}
			if t.parents != nil {
				atomic.StoreUint32(&t.parents[i], parent)
			}
			t.count.Add(1)
			return i, true, false
		}
		if v&fpMask == fp {
			return i, false, false
		}
		if i++; i == n {
			i = 0
		}
	}
}

// claimResult is the outcome of table.claim.
type claimResult uint8

const (
	claimOld      claimResult = iota // reached in an earlier level: nothing to do
	claimNew                         // first reached now: the caller's claim is recorded
	claimImproved                    // reached earlier in this level by a later parent: claim moved to the caller
	claimLost                        // reached in this level by the same or an earlier parent
	claimFull                        // the table must grow first; nothing was done
)

// counted adds *n uncounted inserts to count once there are countBatch of them, or when flush.
func (t *table) counted(n *int64, flush bool) {
	if *n >= countBatch || flush && *n > 0 {
		t.count.Add(*n)
		*n = 0
	}
}

// claim records that the parent at position pos of the level being expanded reaches fp, and
// returns fp's slot (-1 when full). Among
// the parents that reach a state first found in this level, the one at the lowest position keeps
// the claim, whatever order concurrent workers arrive in: this is the parent a sequential BFS
// would record.
func (t *table) claim(fp uint64, pos uint32) (int, claimResult) {
	n := len(t.fps)
	want := claimBit | pos
	for i := t.home(fp); ; {
		v := atomic.LoadUint64(&t.fps[i])
		if v == 0 {
			if t.count.Load() >= t.limit {
				return -1, claimFull
			}
			if !atomic.CompareAndSwapUint64(&t.fps[i], 0, fp|curLevel) {
				continue
			}
			atomic.StoreUint32(&t.parents[i], want)
			return i, claimNew
		}
		if v&fpMask != fp {
			if i++; i == n {
				i = 0
			}
			continue
		}
		if v&curLevel == 0 {
			return i, claimOld
		}
		for {
			c := atomic.LoadUint32(&t.parents[i])
			if c&claimBit == 0 { // the winner of the slot has not stored its claim yet
				runtime.Gosched()
				continue
			}
			if want >= c {
				return i, claimLost
			}
			if atomic.CompareAndSwapUint32(&t.parents[i], c, want) {
				return i, claimImproved
			}
		}
	}
}

// settle turns the claim of the state in slot into the parent link parent, if the claim is
// still pos's. It reports whether it was.
func (t *table) settle(slot int, pos uint32, parent uint32) bool {
	if atomic.LoadUint32(&t.parents[slot]) != claimBit|pos {
		return false
	}
	atomic.StoreUint32(&t.parents[slot], parent)
	atomic.StoreUint64(&t.fps[slot], atomic.LoadUint64(&t.fps[slot])&fpMask)
	return true
}

// remove takes the state in slot out of the table, leaving a tombstone (BFS removes the states
// that only positions past a bound reached, at the end of the search). Safe for concurrent use
// on distinct slots.
func (t *table) remove(slot int) {
	atomic.StoreUint64(&t.fps[slot], tombstone)
	t.count.Add(-1)
}

// mark sets the mark bit (curLevel) of fp's slot and reports whether it was clear: simulation
// marks the states it has expanded. Not for concurrent use.
func (t *table) mark(fp uint64) bool {
	i := t.find(fp)
	if i < 0 || t.fps[i]&curLevel != 0 {
		return false
	}
	t.fps[i] |= curLevel
	return true
}

// grow rehashes into a table growFactor times larger, translating settled parent links to the
// new slots; run spreads the work (run(n, fn) calls fn(0..n-1), possibly concurrently). The
// caller must ensure nothing else uses the table meanwhile. It reports false when the table
// cannot grow further.
func (t *table) grow(run func(n int, fn func(k int))) bool {
	n := len(t.fps)
	m := int(float64(n) * growFactor)
	if m > maxSlots {
		if n == maxSlots {
			return false
		}
		m = maxSlots
	}
	old, oldParents := t.fps, t.parents
	t.alloc(m, oldParents != nil)
	var moved []uint32
	if oldParents != nil {
		moved = make([]uint32, n)
	}
	const chunk = 1 << 16
	chunks := (n + chunk - 1) / chunk
	run(chunks, func(k int) {
		for i := k * chunk; i < min(n, (k+1)*chunk); i++ {
			v := old[i]
			if v&fpMask == 0 {
				continue // empty, or a tombstone
			}
			j := t.home(v & fpMask)
			for !atomic.CompareAndSwapUint64(&t.fps[j], 0, v) {
				if j++; j == m {
					j = 0
				}
			}
			if moved != nil {
				moved[i] = uint32(j)
			}
		}
	})
	if moved == nil {
		return true
	}
	run(chunks, func(k int) {
		for i := k * chunk; i < min(n, (k+1)*chunk); i++ {
			v := old[i]
			if v&fpMask == 0 {
				continue
			}
			p := oldParents[i]
			if v&curLevel == 0 && p != rootParent {
				p = moved[p]
			}
			t.parents[moved[i]] = p
		}
	})
	return true
}

// serial runs fn(0..n-1) in order (for table.grow).
func serial(n int, fn func(k int)) {
	for k := 0; k < n; k++ {
		fn(k)
	}
}

// path returns the fingerprints from an initial state to the state in slot, following settled
// parent links.
func (t *table) path(slot int) []uint64 {
	var fps []uint64
	for {
		fps = append(fps, t.fps[slot]&fpMask)
		p := t.parents[slot]
		if p == rootParent {
			break
		}
		slot = int(p)
	}
	for i, j := 0, len(fps)-1; i < j; i, j = i+1, j-1 {
		fps[i], fps[j] = fps[j], fps[i]
	}
	return fps
}
