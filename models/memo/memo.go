// Package memo is a fixed table that remembers, in each of its slots, the last entry stored
// under a hash that selects the slot: a memo whose memory is bounded, that forgets an entry when
// another takes its slot, and that needs no lock.
//
// A slot holds the entry and its full hash, stored one after the other, not together: Get
// compares the hash before it loads the entry, so that a miss touches only the table, and may
// return an entry stored with another hash while a Put runs. Callers compare the entry's own key
// before they use it.
package memo

import "sync/atomic"

// Table is a memo of *T entries by 64-bit hash. Safe for concurrent use; entries must not be
// modified once stored.
type Table[T any] struct {
	shift uint
	slots []slot[T]
}

type slot[T any] struct {
	hash  atomic.Uint64
	entry atomic.Pointer[T]
}

// New returns an empty table of 1<<bits slots; it panics unless bits is in 1..30.
func New[T any](bits uint) *Table[T] {
	if bits < 1 || bits > 30 {
		panic("memo: a table has 1<<1 to 1<<30 slots")
	}
	return &Table[T]{shift: 64 - bits, slots: make([]slot[T], 1<<bits)}
}

// Get returns the entry last stored under hash h's slot if it was stored with hash h (or, while
// a Put races, possibly another entry of that slot), else nil.
func (t *Table[T]) Get(h uint64) *T {
	s := &t.slots[h>>t.shift] // the high bits: the callers' hashes end with a multiplication
	if s.hash.Load() != h {
		return nil
	}
	return s.entry.Load()
}

// Put stores e under hash h, in place of its slot's entry.
func (t *Table[T]) Put(h uint64, e *T) {
	s := &t.slots[h>>t.shift]
	s.entry.Store(e)
	s.hash.Store(h)
}

// Slot returns the index of hash h's slot, for tables kept beside this one.
func (t *Table[T]) Slot(h uint64) int { return int(h >> t.shift) }
