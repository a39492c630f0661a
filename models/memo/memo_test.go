package memo

import "testing"

// TestTable: an entry is found under its hash, not under another of its slot, and a Put takes
// the slot.
func TestTable(t *testing.T) {
	tb := New[int](4)
	a, b := 1, 2
	h := uint64(3) << 60 // slot 3
	other := h | 1       // the same slot, another hash
	if tb.Get(h) != nil || tb.Slot(h) != 3 || tb.Slot(other) != 3 {
		t.Fatal("an empty table finds an entry, or the slot is not the hash's high bits")
	}
	tb.Put(h, &a)
	if tb.Get(h) != &a || tb.Get(other) != nil {
		t.Fatal("the entry is not found under its hash, or found under another")
	}
	tb.Put(other, &b)
	if tb.Get(h) != nil || tb.Get(other) != &b {
		t.Fatal("a Put did not take the slot")
	}
}
