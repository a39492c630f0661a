package checker_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/checker/checkertest"
)

// randEdge is an action of a randModel: the state it leads to (-1: disabled) and its group.
type randEdge struct{ to, group int }

// randModel is a random explicit graph with labelled states, actions in fairness groups, and a
// property of every expectation over the labels.
type randModel struct {
	inits  []int
	succ   [][]randEdge
	label  []uint8
	groups []checker.ActionGroup
	props  []checker.Property[int]
}

func (g *randModel) Init() []int { return g.inits }
func (g *randModel) Actions(s int, buf []randEdge) []randEdge {
	return append(buf, g.succ[s]...)
}
func (g *randModel) Next(s int, a randEdge) (int, bool) { return a.to, a.to >= 0 }
func (g *randModel) Encode(buf []byte, s int) []byte {
	return binary.LittleEndian.AppendUint32(buf, uint32(s))
}
func (g *randModel) Properties() []checker.Property[int]        { return g.props }
func (g *randModel) ActionGroup(a randEdge) checker.ActionGroup { return g.groups[a.group] }

// newRandModel draws a model of n states (not all reachable), with out-degree up to k.
func newRandModel(seed uint64, n, k int) *randModel {
	r := rand.New(rand.NewPCG(seed, 12))
	g := &randModel{inits: []int{0}, succ: make([][]randEdge, n), label: make([]uint8, n)}
	if r.IntN(4) == 0 {
		g.inits = append(g.inits, r.IntN(n), 0) // a second initial state, and a duplicate
	}
	g.groups = []checker.ActionGroup{
		{Name: "a", Fair: true},
		{Name: "b", Fair: r.IntN(2) == 0},
		{Name: "env", Fair: r.IntN(4) == 0, Environment: true},
	}
	rare := max(n/3, 2)
	for v := range n {
		for range r.IntN(k + 1) {
			to := r.IntN(n)
			if r.IntN(8) == 0 {
				to = -1
			}
			if r.IntN(3) == 0 && n > 20 { // mostly forward, so that large graphs have many levels
				to = min(v+1+r.IntN(5), n-1)
			}
			g.succ[v] = append(g.succ[v], randEdge{to, r.IntN(3)})
		}
		if r.IntN(rare) == 0 {
			g.label[v] |= 1 // bad
		}
		for b := 1; b < 5; b++ {
			if r.IntN(3) == 0 {
				g.label[v] |= 1 << b
			}
		}
	}
	bit := func(b int) func(int) bool { return func(s int) bool { return g.label[s]&(1<<b) != 0 } }
	g.props = []checker.Property[int]{
		{Name: "never bad", Expect: checker.Always, Holds: func(s int) bool { return !bit(0)(s) }},
		{Name: "goal reachable", Expect: checker.Sometimes, Holds: bit(1)},
		{Name: "eventually goal", Expect: checker.Eventually, Holds: bit(1)},
		{Name: "goal infinitely often", Expect: checker.AlwaysEventually, Holds: bit(1)},
		{Name: "request leads to goal", Expect: checker.LeadsTo, Holds: bit(2), Then: bit(1)},
		{Name: "stabilises", Expect: checker.EventuallyAlways, Holds: bit(3)},
		{Name: "comes to rest", Expect: checker.Quiesces},
		{Name: "each request leads to its grant", Expect: checker.LeadsTo, Per: 2,
			HoldsPer: func(s, k int) bool { return bit(2 + k)(s) }, ThenPer: func(s, k int) bool { return bit(4 - k)(s) }},
	}
	return g
}

// The soundness oracle on a few hundred random models: every strategy and option agrees with
// the reference and the naive search, stops honestly and shows its violations.
func TestSoundnessRandomModels(t *testing.T) {
	models := 0
	for seed := uint64(1); seed <= 300; seed++ {
		n, k := 2+int(seed%11), 3
		if seed%20 == 0 {
			n, k = 3000, 6 // levels wide enough to be split among workers
		}
		g := newRandModel(seed, n, k)
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			if _, ok := checkertest.Soundness(t, g, checkertest.Config{Walks: 400, WalkDepth: 40, Short: n > 100, PartialWalks: n > 100}); ok {
				models++
			}
		})
	}
	if models < 300 {
		t.Fatalf("%d of 300 random models checked", models)
	}
}

// counted is a randModel whose states carry a counter k (0..3) that only enables fewer edges as
// it grows: an edge is enabled while k is at most its threshold, and keeps k or resets it to 0;
// a bump raises k; every edge has a variant that also raises the counter it leaves. (v, k)
// covers (v, k') for k <= k' (checker.Covering), so the search may skip bumps, and every
// variant (checker.StepCovering: its edge's successor covers its own); the properties read v
// only.
type counted struct {
	*randModel
	threshold [][]int // per state and edge
	reset     [][]bool
}

type countedState struct{ v, k int }

type countedAction struct {
	edge    int  // -1: bump
	variant bool // the edge, then a bump
}

func (g *counted) Init() []countedState {
	var out []countedState
	for _, v := range g.randModel.Init() {
		out = append(out, countedState{v, 0})
	}
	return out
}
func (g *counted) Actions(s countedState, buf []countedAction) []countedAction {
	for e := range g.succ[s.v] {
		buf = append(buf, countedAction{e, false}, countedAction{e, true})
	}
	return append(buf, countedAction{-1, false})
}
func (g *counted) Next(s countedState, a countedAction) (countedState, bool) {
	if a.edge < 0 {
		return countedState{s.v, s.k + 1}, s.k < 3
	}
	e := g.succ[s.v][a.edge]
	if e.to < 0 || s.k > g.threshold[s.v][a.edge] {
		return s, false
	}
	next := countedState{e.to, s.k}
	if g.reset[s.v][a.edge] {
		next.k = 0
	}
	if a.variant {
		next.k = min(next.k+1, 3)
	}
	return next, true
}
func (g *counted) Encode(buf []byte, s countedState) []byte {
	return binary.LittleEndian.AppendUint32(buf, uint32(s.v<<2|s.k))
}
func (g *counted) Covered(s, next countedState) bool { return next.v == s.v && next.k > s.k }
func (g *counted) CoveredStep(s countedState, a countedAction) bool {
	if !a.variant {
		return false
	}
	_, ok := g.Next(s, countedAction{a.edge, false})
	return ok
}
func (g *counted) ActionGroup(a countedAction) checker.ActionGroup {
	return checker.ActionGroup{Name: "every action", Fair: true}
}
func (g *counted) Properties() []checker.Property[countedState] {
	var out []checker.Property[countedState]
	for _, p := range g.props {
		q := checker.Property[countedState]{Name: p.Name, Expect: p.Expect, Per: p.Per}
		if h := p.Holds; h != nil {
			q.Holds = func(s countedState) bool { return h(s.v) }
		}
		if h := p.Then; h != nil {
			q.Then = func(s countedState) bool { return h(s.v) }
		}
		if h := p.HoldsPer; h != nil {
			q.HoldsPer = func(s countedState, k int) bool { return h(s.v, k) }
		}
		if h := p.ThenPer; h != nil {
			q.ThenPer = func(s countedState, k int) bool { return h(s.v, k) }
		}
		out = append(out, q)
	}
	return out
}

// A reduction (checker.Covering) keeps every verdict and shortest counterexample: the oracle,
// whose reference explores every step, on random models whose counter steps are covered.
func TestSoundnessReduction(t *testing.T) {
	reduced := 0
	for seed := uint64(1); seed <= 100; seed++ {
		base := newRandModel(seed, 3+int(seed%9), 3)
		r := rand.New(rand.NewPCG(seed, 13))
		g := &counted{randModel: base}
		for v := range base.succ {
			g.threshold = append(g.threshold, nil)
			g.reset = append(g.reset, nil)
			for range base.succ[v] {
				g.threshold[v] = append(g.threshold[v], r.IntN(4))
				g.reset[v] = append(g.reset[v], r.IntN(3) == 0)
			}
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			truth, ok := checkertest.Soundness[countedState, countedAction](t, g, checkertest.Config{Walks: 400, WalkDepth: 40})
			if !ok {
				t.Fatal("over the budget")
			}
			full, _ := checker.Check(context.Background(), checker.Model[countedState, countedAction](g), checker.Options{KeepGoing: true})
			if full.Unique < int64(truth.Reachable) {
				reduced++
			}
		})
	}
	if reduced < 50 {
		t.Fatalf("the reduction removed states in only %d of 100 models", reduced)
	}
}

// The soundness oracle on random models of interchangeable processes under symmetry, whose
// fairness groups and property instances move with their processes: the liveness pass on the
// product of the quotient (complete and bounded searches) gives the reference's verdicts, and
// its lassos, lifted to concrete traces, replay and close exactly.
func TestSoundnessProcessSymmetry(t *testing.T) {
	for seed := uint64(1); seed <= 100; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			if _, ok := checkertest.Soundness(t, checker.NewProcModel(seed), checkertest.Config{Symmetry: true, Short: true, PartialWalks: true}); !ok {
				t.Fatal("over the budget")
			}
		})
	}
	// Interchangeable processes whose steps the reduction skips.
	checkertest.Soundness(t, checker.CovModel(), checkertest.Config{Symmetry: true, Short: true, PartialWalks: true})
}

// A partitioned search (checker.NewPartitionedRun) over two and three instances on random
// models with temporal properties: the first instance's verdicts and traces (lassos included)
// are a one-worker BFS's, complete or cut by a state bound, the graph its liveness pass decides
// on recorded in shares by the instances.
func TestPartitionedTemporal(t *testing.T) {
	checked := 0
	for seed := uint64(1); seed <= 40; seed++ {
		g := newRandModel(seed, 300+int(seed)*40, 4)
		var props []checker.Property[int]
		for _, p := range g.props {
			if p.Expect != checker.Eventually { // decided at dead ends: not partitioned
				props = append(props, p)
			}
		}
		g.props = props
		for _, o := range []checker.Options{{KeepGoing: true}, {}, {KeepGoing: true, MaxStates: 150}} {
			want, err := checker.Check(context.Background(), g, o)
			if err != nil {
				t.Fatal(err)
			}
			for _, n := range []int{2, 3} {
				peers := checker.LocalPeers(n)
				runs := make([]*checker.Run[int, randEdge], n)
				for i := range runs {
					if runs[i], err = checker.NewPartitionedRun[int, randEdge](g, o, peers[i]); err != nil {
						t.Fatal(err)
					}
				}
				var wg sync.WaitGroup
				for _, r := range runs {
					wg.Go(func() {
						for !r.Step(context.Background(), 5) {
						}
					})
				}
				wg.Wait()
				got := runs[0].Result()
				if got.Err != nil || got.Unique != want.Unique || got.Generated != want.Generated || got.Stopped != want.Stopped {
					t.Fatalf("seed %d %+v, %d instances: %d states, %d generated, stopped %v, %v; one worker %d, %d, %v",
						seed, o, n, got.Unique, got.Generated, got.Stopped, got.Err, want.Unique, want.Generated, want.Stopped)
				}
				for i, p := range got.Properties {
					w := want.Properties[i]
					if p.Status != w.Status || !reflect.DeepEqual(p.Trace, w.Trace) {
						t.Fatalf("seed %d %+v, %d instances: %q %v %+v; one worker %v %+v", seed, o, n, p.Name, p.Status, p.Trace, w.Status, w.Trace)
					}
				}
				checked++
			}
		}
	}
	if checked != 40*3*2 {
		t.Fatalf("%d checks", checked)
	}
}
