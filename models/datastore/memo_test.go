package datastore

import (
	"reflect"
	"testing"

	"github.com/themelios/themelios/models/cluster"
)

// TestWriteMemo: a memoised write gives what the write gives without the memo, and the very
// snapshot it gave before when repeated; what a write makes depends on the UID it gives a
// created object and on the names taken for a generated one, and the memo keeps them apart.
func TestWriteMemo(t *testing.T) {
	s := history(3)
	plain := Config{Level: MonotonicSession, Staleness: Unbounded}
	memo := plain
	memo.Memo = NewWriteMemo()
	gen := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "web-"}}
	update := s.Latest().Cluster.Pod("x").DeepCopy().(*cluster.Pod)
	update.Spec.Image = "v9"
	stale := update.DeepCopy().(*cluster.Pod)
	stale.ResourceVersion = 1
	running := func(taken string) func(string) bool { return func(n string) bool { return n == taken } }
	firstName := GeneratedName("web-", 0)
	cases := []struct {
		name    string
		w       Write
		uid     cluster.UID
		running func(string) bool
		created string // the name the create gives ("": not a create)
	}{
		{"update", Write{Verb: Update, Object: update}, 0, nil, ""},
		{"stale update (rejected)", Write{Verb: Update, Object: stale}, 0, nil, ""},
		{"delete", Write{Verb: Delete, Kind: cluster.KindPod, Name: "x"}, 0, nil, ""},
		{"create, UID 7", Write{Verb: Create, Object: gen}, 7, nil, firstName},
		{"create, UID 8", Write{Verb: Create, Object: gen}, 8, nil, firstName},
		{"create, the first name running", Write{Verb: Create, Object: gen}, 8, running(firstName), GeneratedName("web-", 1)},
		{"create, UID 7 again", Write{Verb: Create, Object: gen}, 7, nil, firstName},
	}
	given := map[string]*cluster.Cluster{}
	for _, c := range cases {
		want, wantOut := plain.WriteAvoiding(s, s.Latest().Number, c.w, c.uid, c.running)
		got, out := memo.WriteAvoiding(s, s.Latest().Number, c.w, c.uid, c.running)
		again, outAgain := memo.WriteAvoiding(s, s.Latest().Number, c.w, c.uid, c.running)
		if !reflect.DeepEqual(out, wantOut) || !reflect.DeepEqual(outAgain, wantOut) {
			t.Fatalf("%s: outcomes %v and %v with the memo, %v without", c.name, out, outAgain, wantOut)
		}
		if len(got.History) != len(want.History) || got.Latest().Number != want.Latest().Number {
			t.Fatalf("%s: %d revisions up to %d with the memo, %d up to %d without", c.name, len(got.History), got.Latest().Number, len(want.History), want.Latest().Number)
		}
		g, w := got.Latest().Cluster, want.Latest().Cluster
		if len(g.Objects()) != len(w.Objects()) {
			t.Fatalf("%s: %d objects with the memo, %d without", c.name, len(g.Objects()), len(w.Objects()))
		}
		for i, o := range g.Objects() {
			if !cluster.SameContent(o, w.Objects()[i]) {
				t.Fatalf("%s: %v differs with the memo: %+v against %+v", c.name, cluster.KeyOf(o), o, w.Objects()[i])
			}
		}
		if again.Latest().Cluster != g {
			t.Fatalf("%s: repeated, the write gave another snapshot", c.name)
		}
		if c.created != "" {
			p := g.Pod(c.created)
			if p == nil || p.UID != c.uid {
				t.Fatalf("%s: want pod %s with UID %d, got %+v", c.name, c.created, c.uid, p)
			}
		}
		given[c.name] = g
	}
	if given["create, UID 7"] != given["create, UID 7 again"] {
		t.Fatal("the same create gave two snapshots")
	}
	if given["create, UID 7"] == given["create, UID 8"] || given["create, UID 8"] == given["create, the first name running"] {
		t.Fatal("creates with different UIDs or names share a snapshot")
	}
}
