package datastore

import (
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/anishathalye/porcupine"

	"github.com/themelios/themelios/models/cluster"
)

// history builds a store with revisions 1..n (revision r holds pod "x" with image "v<r>").
func history(n int) Store {
	s := NewStore(cluster.New(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "x", ResourceVersion: 1}, Spec: cluster.PodSpec{Image: "v1"}}))
	for r := 2; r <= n; r++ {
		p := s.Latest().Cluster.Pod("x").DeepCopy().(*cluster.Pod)
		p.Spec.Image = fmt.Sprintf("v%d", r)
		var out Outcome
		s, out = Config{Level: MonotonicSession, Staleness: Unbounded}.Write(s, s.Latest().Number, Write{Verb: Update, Object: p}, 0)
		if !out.OK() {
			panic(out.String())
		}
	}
	return s
}

func TestReadableRevisions(t *testing.T) {
	s := history(6) // revisions 1..6
	cases := []struct {
		level     Level
		staleness int
		session   Session
		want      []int64
	}{
		{Synchronous, Unbounded, 3, []int64{6}},
		{Synchronous, 2, SessionReset, []int64{6}},
		{MonotonicSession, Unbounded, SessionNew, []int64{6}},
		{MonotonicSession, Unbounded, 3, []int64{3, 4, 5, 6}},
		{MonotonicSession, 2, 3, []int64{4, 5, 6}},
		{MonotonicSession, 2, SessionReset, []int64{6}},
		{ResettableSession, 2, 5, []int64{5, 6}},
		{ResettableSession, 2, SessionReset, []int64{4, 5, 6}},
		{ResettableSession, Unbounded, SessionReset, []int64{1, 2, 3, 4, 5, 6}},
		{ResettableSession, 0, SessionReset, []int64{6}},
		{Optimistic, 1, 2, []int64{5, 6}},
		{Optimistic, Unbounded, 2, []int64{2, 3, 4, 5, 6}},
	}
	for _, c := range cases {
		got := Config{Level: c.level, Staleness: c.staleness}.Readable(s, c.session)
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("%v staleness %d session %d: readable %v, want %v", c.level, c.staleness, c.session, got, c.want)
		}
	}
}

func TestWritesLandPerLevel(t *testing.T) {
	s := history(4)
	// A controller read revision 2 and creates a pod.
	w := Write{Verb: Create, Object: &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "y"}}}
	for _, level := range Levels() {
		s2, out := Config{Level: level, Staleness: Unbounded}.Write(s, 2, w, 9)
		latest := s2.Latest()
		if !out.OK() || latest.Number != 5 || latest.Cluster.Pod("y") == nil || len(s2.History) != 5 || len(s.History) != 4 {
			t.Fatalf("%v: %v, latest %d", level, out, latest.Number)
		}
		// Optimistic applies the write to revision 2, losing revisions 3 and 4's writes.
		want := "v4"
		if level == Optimistic {
			want = "v2"
		}
		if got := latest.Cluster.Pod("x").Spec.Image; got != want {
			t.Errorf("%v: after the write x has image %s, want %s", level, got, want)
		}
	}
	// A stale update (read at 2) conflicts on the latest revision, except under Optimistic.
	p := s.At(2).Pod("x").DeepCopy().(*cluster.Pod)
	p.Spec.Image = "stale"
	for _, level := range Levels() {
		s2, out := Config{Level: level}.Write(s, 2, Write{Verb: Update, Object: p}, 0)
		if want := level != Optimistic && level != Causal; (out.Code == 409) != want {
			t.Errorf("%v: stale update gave %v", level, out)
		}
		// Under Causal the stale branch's write is the later one: it wins over v3 and v4.
		if level == Causal && s2.Latest().Cluster.Pod("x").Spec.Image != "stale" {
			t.Errorf("causal: last writer did not win")
		}
	}
}

func TestCausalMergesBranches(t *testing.T) {
	cfg := Config{Level: Causal, Staleness: Unbounded}
	s := history(2) // x at v2
	y := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "y"}}
	// A write on revision 1 (which does not have v2) creates y: the merge keeps x at v2.
	s, out := cfg.Write(s, 1, Write{Verb: Create, Object: y}, 5)
	if !out.OK() || s.Latest().Cluster.Pod("x").Spec.Image != "v2" || s.Latest().Cluster.Pod("y") == nil {
		t.Fatalf("merge lost a write: %v", out)
	}
	// x is deleted at revision 4; a branch from revision 3 updating x is older than the
	// deletion only if it was made before it... here the update is the later write, so x
	// comes back with it (last writer wins).
	s, _ = cfg.Write(s, 3, Write{Verb: Delete, Kind: cluster.KindPod, Name: "x"}, 0)
	if s.Latest().Cluster.Pod("x") != nil || len(s.Gone) != 1 || s.Gone[0].Revision != 4 {
		t.Fatalf("delete: %+v", s.Gone)
	}
	// A branch from revision 3 that only creates z must not resurrect x: its stale copy of x
	// is older than the tombstone.
	z := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "z"}}
	s, _ = cfg.Write(s, 3, Write{Verb: Create, Object: z}, 6)
	if s.Latest().Cluster.Pod("x") != nil || s.Latest().Cluster.Pod("z") == nil {
		t.Fatal("a stale branch resurrected a deleted object")
	}
	// Once no retained revision holds a copy of x, its tombstone is collected.
	n := cfg.Normalize(s, []Session{Session(s.Latest().Number)})
	if len(n.History) != 1 || len(n.Gone) != 0 {
		t.Fatalf("tombstone kept: %d revisions, %+v", len(n.History), n.Gone)
	}
	if &n.History[0] == &s.History[len(s.History)-1] {
		t.Fatal("the tombstones changed in the same history array (Store's rule: a new array)")
	}
	if kept := (Config{Level: Causal, Staleness: Unbounded}).Normalize(s, []Session{3}); len(kept.Gone) != 1 {
		t.Fatal("tombstone collected while revision 3 still holds x")
	}
}

func TestNormalize(t *testing.T) {
	s := history(6)
	cases := []struct {
		cfg      Config
		sessions []Session
		first    int64
		sessOut  []Session
	}{
		{Config{Level: Synchronous}, []Session{3}, 6, []Session{3}},
		{Config{Level: MonotonicSession, Staleness: Unbounded}, []Session{3, 5, SessionNew}, 3, []Session{3, 5, SessionNew}},
		{Config{Level: MonotonicSession, Staleness: 2}, []Session{2, 5}, 4, []Session{4, 5}},
		{Config{Level: MonotonicSession, Staleness: 2}, []Session{SessionNew}, 6, []Session{SessionNew}},
		{Config{Level: ResettableSession, Staleness: 2}, []Session{SessionReset}, 4, []Session{SessionReset}},
		{Config{Level: ResettableSession, Staleness: 2, Restarts: true}, []Session{6}, 4, []Session{6}},
		{Config{Level: ResettableSession, Staleness: 2}, []Session{6}, 6, []Session{6}},
	}
	for _, c := range cases {
		got := c.cfg.Normalize(s, c.sessions)
		if got.History[0].Number != c.first || got.Latest().Number != 6 || !reflect.DeepEqual(c.sessions, c.sessOut) {
			t.Errorf("%+v: first %d sessions %v, want %d %v", c.cfg, got.History[0].Number, c.sessions, c.first, c.sessOut)
		}
	}
}

// TestWritesNeverShareHistory: a write's store has an array of its own, full (no room an
// append could write into), two writes from one store never share one, even from a history
// with room to spare, and the store they were made from is left as it was, its snapshots and
// objects included, at every level. The orchestration model's encoding knows a history by its
// array's first element and its length (Store).
func TestWritesNeverShareHistory(t *testing.T) {
	dump := func(s Store) string {
		var b strings.Builder
		fmt.Fprintf(&b, "gone %v\n", s.Gone)
		for _, r := range s.History {
			fmt.Fprintf(&b, "r%d:", r.Number)
			for _, o := range r.Cluster.Objects() {
				fmt.Fprintf(&b, " %s/%s rv%d", o.Kind(), o.Meta().Name, o.Meta().ResourceVersion)
				if p, ok := o.(*cluster.Pod); ok {
					fmt.Fprintf(&b, " %s", p.Spec.Image)
				}
			}
			b.WriteString("\n")
		}
		return b.String()
	}
	for _, level := range Levels() {
		cfg := Config{Level: level, Staleness: Unbounded}
		full := history(4)
		spare := Store{History: append(make([]Revision, 0, len(full.History)+4), full.History...)}
		for name, s := range map[string]Store{"a full history": full, "a history with room": spare} {
			before := dump(s)
			var made []Store
			for _, image := range []string{"a", "b"} {
				p := s.Latest().Cluster.Pod("x").DeepCopy().(*cluster.Pod)
				p.Spec.Image = image
				next, out := cfg.Write(s, s.Latest().Number, Write{Verb: Update, Object: p}, 0)
				if !out.OK() {
					t.Fatalf("%v, %s: %v", level, name, out)
				}
				if cap(next.History) != len(next.History) {
					t.Errorf("%v, %s: a write's history has room for %d more revisions", level, name, cap(next.History)-len(next.History))
				}
				made = append(made, next)
			}
			if &made[0].History[0] == &made[1].History[0] || &made[0].History[0] == &s.History[0] {
				t.Errorf("%v, %s: two stores share a history's array", level, name)
			}
			if after := dump(s); after != before {
				t.Errorf("%v, %s: the writes changed the history they were made from:\n%s\nwas\n%s", level, name, after, before)
			}
			if len(s.History) < cap(s.History) && s.History[:cap(s.History)][len(s.History)].Cluster != nil {
				t.Errorf("%v, %s: a write used the room past the history it was made from", level, name)
			}
		}
	}
}

// A register over pod "x"'s image, for porcupine.
type regInput struct {
	write bool
	value string
}

var register = porcupine.Model{
	Init: func() any { return "v1" },
	Step: func(state, input, output any) (bool, any) {
		in := input.(regInput)
		if in.write {
			return true, in.value
		}
		return output.(string) == state.(string), state
	},
	Equal: func(a, b any) bool { return a == b },
}

// op is a step of a client script: client c reads, or writes value.
type op struct {
	client int
	write  bool
	value  string
}

// runScript runs a script of sequential operations against a store under cfg, with every
// combination of the revisions the level lets each read see, and reports how many of the
// resulting histories porcupine finds linearizable, and how many there were.
func runScript(t *testing.T, cfg Config, script []op, restartBefore map[int]bool) (linearizable, total int) {
	t.Helper()
	var explore func(s Store, sessions []Session, i int, ops []porcupine.Operation)
	explore = func(s Store, sessions []Session, i int, ops []porcupine.Operation) {
		if i == len(script) {
			total++
			if porcupine.CheckOperations(register, ops) {
				linearizable++
			}
			return
		}
		o := script[i]
		sess := append([]Session(nil), sessions...)
		if restartBefore[i] {
			sess[o.client] = SessionReset
		}
		for _, r := range cfg.Readable(s, sess[o.client]) {
			next := append([]Session(nil), sess...)
			next[o.client] = Session(r)
			call := int64(2 * i)
			if !o.write {
				v := s.At(r).Pod("x").Spec.Image
				explore(s, next, i+1, append(ops, porcupine.Operation{ClientId: o.client, Input: regInput{}, Call: call, Output: v, Return: call + 1}))
				continue
			}
			// A write is a read-modify-write of the image at the revision read.
			p := s.At(r).Pod("x").DeepCopy().(*cluster.Pod)
			p.Spec.Image = o.value
			s2, out := cfg.Write(s, r, Write{Verb: Update, Object: p}, 0)
			if !out.OK() {
				continue // a conflict: the client would retry; this history ends here
			}
			explore(s2, next, i+1, append(ops, porcupine.Operation{ClientId: o.client, Input: regInput{write: true, value: o.value}, Call: call, Output: nil, Return: call + 1}))
		}
	}
	explore(NewStore(cluster.New(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "x", ResourceVersion: 1}, Spec: cluster.PodSpec{Image: "v1"}})), make([]Session, 3), 0, nil)
	return linearizable, total
}

func TestLinearizability(t *testing.T) {
	// Client 0 reads (joining its session), client 1 writes v2 then v3, client 0 reads again
	// (after a restart, for the resettable level), then client 2 writes v4 having read
	// before, and client 0 reads.
	script := []op{{0, false, ""}, {1, true, "v2"}, {1, true, "v3"}, {0, false, ""}, {2, true, "v4"}, {0, false, ""}}
	restarts := map[int]bool{3: true}
	for _, level := range Levels() {
		cfg := Config{Level: level, Staleness: Unbounded}
		lin, total := runScript(t, cfg, script, restarts)
		if total == 0 {
			t.Fatalf("%v: no history", level)
		}
		if level == Synchronous && lin != total {
			t.Errorf("synchronous: %d of %d histories linearizable, want all", lin, total)
		}
		if level != Synchronous && lin == total {
			t.Errorf("%v: all %d histories linearizable, want a non-linearizable one", level, total)
		}
		t.Logf("%v: %d of %d histories linearizable", level, lin, total)
	}
}

// TestGeneratedNamesAreNotReused: a generated name is free in every retained revision and among
// the pods kubelets still run, so that a write by name from any view the store can serve never
// meets a pod re-created under that name.
func TestGeneratedNamesAreNotReused(t *testing.T) {
	cfg := Config{Level: MonotonicSession, Staleness: 3}
	gen := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "web-"}}
	s := NewStore(cluster.New())
	s, out := cfg.Write(s, 1, Write{Verb: Create, Object: gen}, 5)
	first := out.Name
	s, _ = cfg.Write(s, 2, Write{Verb: Delete, Kind: cluster.KindPod, Name: first}, 0)
	if s.Latest().Cluster.Pod(first) != nil {
		t.Fatal("the pod was not deleted")
	}
	// The name is free in the latest revision, but an older retained one holds it.
	_, out = cfg.Write(s, 3, Write{Verb: Create, Object: gen}, 6)
	if out.Name == first || out.Name != GeneratedName("web-", 1) {
		t.Fatalf("re-created as %q (first %q)", out.Name, first)
	}
	// Once no retained revision holds it, a name a kubelet still runs is avoided too.
	fresh := NewStore(cluster.New())
	_, out = cfg.WriteAvoiding(fresh, 1, Write{Verb: Create, Object: gen}, 7, func(name string) bool { return name == first })
	if out.Name == first {
		t.Fatalf("took the name of a running pod: %q", out.Name)
	}
	if _, out = cfg.Write(fresh, 1, Write{Verb: Create, Object: gen}, 7); out.Name != first {
		t.Fatalf("a free name not taken: %q", out.Name)
	}
}
