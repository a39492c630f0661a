package checker_test

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
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
