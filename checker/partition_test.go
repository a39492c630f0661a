package checker

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"
	"time"
)

// runPartitioned runs a partitioned search of the models (one per instance) over LocalPeers,
// each instance in slices of budget states on its own goroutine, and returns every instance's
// result.
func runPartitioned[S, A any](t *testing.T, models []Model[S, A], o Options, splitAt int64, budget int) ([]Result[S, A], []*Run[S, A]) {
	t.Helper()
	peers := LocalPeers(len(models))
	runs := make([]*Run[S, A], len(models))
	for i, m := range models {
		r, err := newPartitionedRun(m, o, peers[i], splitAt)
		if err != nil {
			t.Fatalf("instance %d: %v", i, err)
		}
		runs[i] = r
	}
	var wg sync.WaitGroup
	for _, r := range runs {
		wg.Go(func() {
			for !r.Step(context.Background(), budget) {
			}
		})
	}
	wg.Wait()
	out := make([]Result[S, A], len(runs))
	for i, r := range runs {
		out[i] = r.Result()
		if out[i].Err != nil {
			t.Fatalf("instance %d: %v", i, out[i].Err)
		}
	}
	return out, runs
}

// A partitioned search is a one-worker BFS: the same distinct and generated states, depth,
// stop, verdicts and traces, on every instance, for 1, 2 and 3 instances, levels shared out
// from the first or later, under state and depth bounds and stopping at a violation or not.
func TestPartitionedMatchesOneWorker(t *testing.T) {
	cases := 0
	for seed := uint64(1); seed <= 8; seed++ {
		g := randomGraph(3000+int(seed)*700, 4, seed)
		bad := func(s int) bool { return s%211 == int(seed)%7+40 }
		g.props = []Property[int]{
			{Name: "not bad", Expect: Always, Holds: func(s int) bool { return !bad(s) }},
			{Name: "17 mod 101 reachable", Expect: Sometimes, Holds: func(s int) bool { return s%101 == 17 }},
		}
		// The state bound reached at the level that stops at the violation: the stop is the
		// violation.
		atViolation := check(t, g, Options{}).Unique
		for _, o := range []Options{
			{KeepGoing: true},
			{},
			{KeepGoing: true, MaxStates: 50},
			{KeepGoing: true, MaxStates: 777},
			{KeepGoing: true, MaxStates: 2500},
			{KeepGoing: true, MaxDepth: 4},
			{KeepGoing: true, MaxDepth: 9, MaxStates: 1500},
			{MaxStates: atViolation},
			{MaxStates: 777},
		} {
			want := check(t, g, o)
			for _, n := range []int{1, 2, 3} {
				for _, splitAt := range []int64{1, 16, splitWidth} { // 1: at the first level of four states an instance
					models := make([]Model[int, int], n)
					for i := range models {
						models[i] = g
					}
					budget := 1 + int(seed)*int(splitAt)%13
					results, runs := runPartitioned(t, models, o, splitAt, budget)
					for i, got := range results {
						// Each instance expands its share: at least a fifth of an even share
						// of the states, shared out from the level of 16.
						whole := o.KeepGoing && o.MaxStates == 0 && o.MaxDepth == 0
						if own := runs[i].e.(*bfs[int, int]).expanded; whole && own*5*int64(n) < got.Unique && splitAt == 16 {
							t.Fatalf("seed %d, %d instances: instance %d expanded %d of %d states", seed, n, i, own, got.Unique)
						}
						if !reflect.DeepEqual(summarize(got), summarize(want)) || got.Stopped != want.Stopped || got.Workers != n {
							t.Fatalf("seed %d %+v, %d instances, split at %d, instance %d: %+v stopped %v workers %d; one worker: %+v stopped %v",
								seed, o, n, splitAt, i, summarize(got), got.Stopped, got.Workers, summarize(want), want.Stopped)
						}
					}
					cases++
				}
			}
		}
		if seed == 1 {
			want := check(t, g, Options{KeepGoing: true})
			if want.Unique < 3000 || want.Depth < 8 {
				t.Fatalf("the first graph is too small to share out: %d states, %d levels", want.Unique, want.Depth)
			}
		}
	}
	if cases != 8*9*3*3 {
		t.Fatalf("%d cases", cases)
	}
}

// The checks a partitioned search cannot run are refused, saying why.
func TestPartitionedRefuses(t *testing.T) {
	g := chain(5)
	g.props = []Property[int]{{Name: "reaches the end", Expect: Eventually, Holds: func(s int) bool { return s == 4 }}}
	peer := LocalPeers(1)[0]
	for _, o := range []Options{{}, {NoLiveness: true}, {Strategy: DFS}} {
		if _, err := NewPartitionedRun[int, int](g, o, peer); !errors.Is(err, ErrNotPartitionable) {
			t.Fatalf("%+v: %v, want ErrNotPartitionable", o, err)
		}
	}
	g.props = nil
	if _, err := NewPartitionedRun[int, int](g, Options{GraphLimit: 10}, peer); !errors.Is(err, ErrNotPartitionable) {
		t.Fatalf("a graph: %v, want ErrNotPartitionable", err)
	}
	if _, err := NewPartitionedRun[int, int](g, Options{}, peer); err != nil {
		t.Fatal(err)
	}
}

// A malformed part stops the search, interrupted, with the error.
func TestPartitionedBrokenLink(t *testing.T) {
	g := randomGraph(2000, 3, 5)
	r, err := newPartitionedRun[int, int](g, Options{}, brokenPeer{}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(context.Background(), 100) {
	}
	res := r.Result()
	if res.Stopped != StopInterrupted || !errors.Is(res.Err, errBadPart) {
		t.Fatalf("stopped %v, error %v", res.Stopped, res.Err)
	}
}

// brokenPeer is a second instance that sends garbage.
type brokenPeer struct{}

func (brokenPeer) Rank() int { return 0 }
func (brokenPeer) Size() int { return 2 }
func (brokenPeer) AllGather(part []byte) ([][]byte, error) {
	return [][]byte{part, []byte("\x00\x05\xff")}, nil
}

// A cancel or the time up on one instance stops them all, at the same level's end, before the
// levels are shared out or after: none waits for ever for the others' parts.
func TestPartitionedStopsTogether(t *testing.T) {
	g := randomGraph(20000, 4, 3)
	for _, c := range []struct {
		name    string
		after   int64 // instance 1 is cancelled once it knows this many states (-1: never)
		timeout time.Duration
		want    Stop
	}{{"cancelled at once", 0, 0, StopInterrupted}, {"cancelled once shared out", 3000, 0, StopInterrupted}, {"timed out at once", -1, time.Nanosecond, StopTimeout}} {
		peers := LocalPeers(2)
		var wg sync.WaitGroup
		results := make([]Result[int, int], 2)
		for i := range peers {
			o := Options{}
			ctx, cancel := context.WithCancel(context.Background())
			after := int64(-1)
			if i == 1 {
				o.Timeout, after = c.timeout, c.after
			}
			r, err := newPartitionedRun[int, int](g, o, peers[i], 16)
			if err != nil {
				t.Fatal(err)
			}
			wg.Go(func() {
				defer cancel()
				for {
					if after >= 0 && r.Progress().Unique >= after {
						cancel()
					}
					if r.Step(ctx, 10) {
						break
					}
				}
				results[i] = r.Result()
			})
		}
		wg.Wait()
		for i, r := range results {
			if r.Complete || r.Stopped != c.want || r.Unique != results[0].Unique || r.Unique < c.after {
				t.Fatalf("%s: instance %d complete %v, stopped %v, %d states (instance 0: %d)", c.name, i, r.Complete, r.Stopped, r.Unique, results[0].Unique)
			}
		}
	}
}

// Parts survive their encoding.
func TestPartRoundTrip(t *testing.T) {
	p := sharePart{halt: StopTimeout, prefix: 77,
		gens:   []posGen{{1, 3}, {4, 0}, {9, 12}},
		claims: []claimRef{{fp: 1<<62 + 5, pos: 1}, {fp: 9, pos: 1}, {fp: 10, pos: 9}},
		cands:  []candidate{{prop: 1, fp: 3, pos: 9, seq: 2}, {prop: 0, fp: 4, pos: 1, terminal: true}}}
	var q sharePart
	if err := decodePart(encodePart(nil, &p), &q); err != nil || !reflect.DeepEqual(p, q) {
		t.Fatalf("%+v, %v; want %+v", q, err, p)
	}
	// Many label words announced for few bytes are refused before they are read.
	huge := binary.AppendUvarint(encodePart(nil, &sharePart{})[:9], 3)
	huge = binary.AppendUvarint(huge, 1<<40)
	if err := decodePart(append(huge, make([]byte, 64)...), &q); err == nil {
		t.Fatal("a part announcing 2^40 label words decoded")
	}
	enc := encodePart(nil, &p)
	for n := range len(enc) {
		if err := decodePart(enc[:n], &q); err == nil {
			t.Fatalf("%d of %d bytes decoded", n, len(enc))
		}
	}
}

// groupedGraph is a graphModel whose actions (state*16 + index) are in fairness groups by the
// state they lead to: many groups, met in a different order by each instance of a partitioned
// search.
type groupedGraph struct{ *graphModel }

func (g groupedGraph) Actions(s int, buf []int) []int {
	for i := range g.succ[s] {
		buf = append(buf, s*16+i)
	}
	return buf
}

func (g groupedGraph) Next(s int, a int) (int, bool) { return g.graphModel.Next(s, a%16) }

func (g groupedGraph) ActionGroup(a int) ActionGroup {
	to := g.succ[a/16][a%16]
	return ActionGroup{Name: fmt.Sprint("g", (to*7)%53), Fair: to%3 != 0}
}

// The first instance of a partitioned search records the graph a one-worker BFS records: the
// same expanded states in order, with the same conditions, edges and the edges' groups (by
// name: each instance numbers groups as it meets them, and the first renumbers the others').
func TestPartitionedRecord(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		g := groupedGraph{randomGraph(4000, 4, seed)}
		g.props = []Property[int]{{Name: "5 infinitely often", Expect: AlwaysEventually, Holds: func(s int) bool { return s%5 == 0 }}}
		for _, o := range []Options{{}, {MaxStates: 1000}} {
			one, err := NewRun[int, int](g, o)
			if err != nil {
				t.Fatal(err)
			}
			for !one.Step(context.Background(), 100) {
			}
			_, runs := runPartitioned(t, []Model[int, int]{g, g}, o, 16, 7)
			want, got := one.c, runs[0].c
			if want.record == nil || len(got.record.states) != len(want.record.states) || !reflect.DeepEqual(got.record.labels, want.record.labels) {
				t.Fatalf("seed %d %+v: %d states recorded, want %d (or the labels differ)", seed, o, len(got.record.states), len(want.record.states))
			}
			named := func(c *core[int, int], e liveExpansion) string {
				s := fmt.Sprint(e.fp, e.perm, e.classes, len(e.covered))
				for _, x := range e.succ {
					s += fmt.Sprint(" ", x.fp, x.act, c.groups.group(x.group), x.perm)
				}
				return s
			}
			for k := range want.record.states {
				if a, b := named(got, got.record.states[k]), named(want, want.record.states[k]); a != b {
					t.Fatalf("seed %d %+v: state %d recorded as\n%s\nwant\n%s", seed, o, k, a, b)
				}
			}
			if want.record.states[len(want.record.states)-1].succ == nil {
				t.Fatal("nothing recorded")
			}
		}
	}
}

// A part that does not fit the level (a position past it, a property the model lacks) breaks
// the link: the search stops, interrupted, with the error.
func TestPartitionedPartMustFit(t *testing.T) {
	for _, p := range []sharePart{
		{claims: []claimRef{{fp: 5, pos: 1 << 20}}},
		{gens: []posGen{{pos: 1 << 20, gen: 1}}},
		{cands: []candidate{{prop: 7, fp: 3}}},
		{prefix: 1 << 20},
		{halt: 200},
	} {
		g := randomGraph(2000, 3, 5)
		r, err := newPartitionedRun[int, int](g, Options{}, fixedPeer{encodePart(nil, &p)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for !r.Step(context.Background(), 100) {
		}
		if res := r.Result(); res.Stopped != StopInterrupted || !errors.Is(res.Err, errBadPart) {
			t.Fatalf("%+v: stopped %v, error %v", p, res.Stopped, res.Err)
		}
	}
}

// A candidate for a state the table does not hold is no candidate (and no panic).
func TestPartitionedUnknownCandidate(t *testing.T) {
	g := randomGraph(2000, 3, 5)
	g.props = []Property[int]{{Name: "any", Expect: Always, Holds: func(int) bool { return true }}}
	p := sharePart{cands: []candidate{{prop: 0, fp: 12345, pos: 0}}}
	r, err := newPartitionedRun[int, int](g, Options{}, fixedPeer{encodePart(nil, &p)}, 1)
	if err != nil {
		t.Fatal(err)
	}
	for !r.Step(context.Background(), 100) {
	}
	if res := r.Result(); res.Err != nil || res.Properties[0].Status != Holds {
		t.Fatalf("%v %v", res.Err, res.Properties[0].Status)
	}
}

// fixedPeer is a second instance that sends the same part every time.
type fixedPeer struct{ part []byte }

func (fixedPeer) Rank() int { return 0 }
func (fixedPeer) Size() int { return 2 }
func (f fixedPeer) AllGather(part []byte) ([][]byte, error) {
	return [][]byte{part, f.part}, nil
}

// An initial state that violates a property, with the state bound reached by the initial
// states: the stop is the violation, on one worker (as before partitioned searches) and
// partitioned.
func TestInitialViolationBeforeBound(t *testing.T) {
	g := chain(3)
	g.props = []Property[int]{{Name: "never 0", Expect: Always, Holds: func(s int) bool { return s != 0 }}}
	if r := check(t, g, Options{MaxStates: 1}); r.Stopped != StopViolation {
		t.Fatalf("one worker: stopped %v", r.Stopped)
	}
	results, _ := runPartitioned(t, []Model[int, int]{g, g}, Options{MaxStates: 1}, 1, 5)
	for i, r := range results {
		if r.Stopped != StopViolation {
			t.Fatalf("instance %d: stopped %v", i, r.Stopped)
		}
	}
}
