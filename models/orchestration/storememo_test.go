package orchestration

import (
	"testing"

	"github.com/themelios/themelios/models/cluster"
	"github.com/themelios/themelios/models/datastore"
)

// TestStoreEncodingsCompareContent: a store whose history is equal to one remembered, in
// another array, finds its entry; a store that differs in a snapshot, a revision number or a
// tombstone does not, even when it lands in the entry's slot (a hash collision, forced here).
func TestStoreEncodingsCompareContent(t *testing.T) {
	pod := func(name string) *cluster.Cluster {
		return cluster.New(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, ResourceVersion: 1}})
	}
	a, b, c := pod("a"), pod("b"), pod("b")
	store := func(gone []datastore.Tombstone, revs ...datastore.Revision) datastore.Store {
		return datastore.Store{History: revs, Gone: gone}
	}
	remembered := store(nil, datastore.Revision{Number: 1, Cluster: a}, datastore.Revision{Number: 2, Cluster: b})
	equal := store(nil, datastore.Revision{Number: 1, Cluster: a}, datastore.Revision{Number: 2, Cluster: b})
	others := map[string]datastore.Store{
		"another snapshot (equal content)": store(nil, datastore.Revision{Number: 1, Cluster: a}, datastore.Revision{Number: 2, Cluster: c}),
		"other numbers":                    store(nil, datastore.Revision{Number: 2, Cluster: a}, datastore.Revision{Number: 3, Cluster: b}),
		"a tombstone":                      store([]datastore.Tombstone{{Kind: cluster.KindPod, Name: "z", Revision: 2}}, datastore.Revision{Number: 1, Cluster: a}, datastore.Revision{Number: 2, Cluster: b}),
		"a revision less":                  store(nil, datastore.Revision{Number: 2, Cluster: b}),
	}
	long := make([]datastore.Revision, inlineHistory+2)
	for i := range long {
		long[i] = datastore.Revision{Number: int64(i + 1), Cluster: a}
	}
	for _, st := range []datastore.Store{remembered, store(nil, long...)} {
		table := newStoreEncodings()
		table.remember(st, table.hash(st), []byte{1, 2, 3}, []cluster.UID{7})
		x, _ := table.lookup(st)
		again := datastore.Store{History: append([]datastore.Revision(nil), st.History...)}
		if got, _ := table.lookup(again); got == nil || got != x {
			t.Fatalf("a history of %d revisions in another array: entry %p, want %p", len(st.History), got, x)
		}
		if string(x.enc) != "\x01\x02\x03" || len(x.uids) != 1 || x.uids[0] != 7 {
			t.Fatalf("the entry holds %v and %v", x.enc, x.uids)
		}
	}
	table := newStoreEncodings()
	table.remember(remembered, table.hash(remembered), []byte{1}, nil)
	x, _ := table.lookup(remembered)
	if got, _ := table.lookup(equal); got == nil || got != x {
		t.Fatal("an equal history in another array misses")
	}
	for name, st := range others {
		h := table.hash(st)
		planted := *x
		table.table.Put(h, &planted) // as if st's hash were the remembered store's
		if got, _ := table.lookup(st); got != nil {
			t.Fatalf("%s: the store takes the entry of another", name)
		}
	}
}
