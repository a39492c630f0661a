package checker

import (
	"encoding/binary"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
)

// cell is a state of recyclingGraph: a node of the graph in memory of its own, poisoned once
// recycled.
type cell struct {
	node int
	dead atomic.Bool
}

// recyclingGraph is a graphModel whose successors are new cells, and which poisons a cell when
// the search recycles it and reports any later use of a poisoned cell.
type recyclingGraph struct {
	g        *graphModel
	recycled atomic.Int64
	mu       sync.Mutex
	misuse   []string
}

func (r *recyclingGraph) live(s *cell, what string) int {
	if s.dead.Load() {
		r.mu.Lock()
		r.misuse = append(r.misuse, what)
		r.mu.Unlock()
	}
	return s.node
}

func (r *recyclingGraph) Init() []*cell {
	var out []*cell
	for _, i := range r.g.inits {
		out = append(out, &cell{node: i})
	}
	return out
}

func (r *recyclingGraph) Actions(s *cell, buf []int) []int {
	return r.g.Actions(r.live(s, "Actions"), buf)
}

func (r *recyclingGraph) Next(s *cell, a int) (*cell, bool) {
	t, ok := r.g.Next(r.live(s, "Next"), a)
	return &cell{node: t}, ok
}

func (r *recyclingGraph) Encode(buf []byte, s *cell) []byte {
	return binary.LittleEndian.AppendUint32(buf, uint32(r.live(s, "Encode")))
}

func (r *recyclingGraph) Properties() []Property[*cell] {
	var out []Property[*cell]
	for _, p := range r.g.props { // Name, Expect and Holds only
		out = append(out, Property[*cell]{Name: p.Name, Expect: p.Expect, Holds: func(s *cell) bool { return p.Holds(r.live(s, p.Name)) }})
	}
	return out
}

func (r *recyclingGraph) Recycle(s *cell, _ int, next *cell) {
	r.live(s, "Recycle's parent")
	if next.dead.Swap(true) {
		r.mu.Lock()
		r.misuse = append(r.misuse, "recycled twice")
		r.mu.Unlock()
	}
	r.recycled.Add(1)
}

// plainGraph is the same model without Recycle.
type plainGraph struct{ *recyclingGraph }

func (p plainGraph) Recycle() {} // not a Recycler

// TestRecycleOnlyDroppedSuccessors: BFS recycles exactly the successors it drops (one worker:
// every generated state that is not a new one), never reads one again, and finds the same
// states, counts, traces and state graph as without recycling: on one to three workers, with a
// liveness pass, at the state bound (a level cut) and across the table's growth (a state's
// successors computed again after claimFull).
func TestRecycleOnlyDroppedSuccessors(t *testing.T) {
	nodes := func(tr *Trace[*cell, int]) []int {
		if tr == nil {
			return nil
		}
		out := []int{tr.Init.node}
		for _, st := range tr.Steps {
			out = append(out, st.State.node)
		}
		return out
	}
	type outcome struct {
		Unique, Generated int64
		Depth             int
		Complete          bool
		Statuses          []Status
		Traces            [][]int
		Graph             *Graph
	}
	sum := func(res Result[*cell, int]) outcome {
		o := outcome{Unique: res.Unique, Generated: res.Generated, Depth: res.Depth, Complete: res.Complete, Graph: res.Graph}
		for _, p := range res.Properties {
			o.Statuses, o.Traces = append(o.Statuses, p.Status), append(o.Traces, nodes(p.Trace))
		}
		return o
	}
	for seed := uint64(1); seed <= 4; seed++ {
		// Past the table's first size (16,384 slots) on seeds 3 and 4.
		n := []int{3000, 3000, 40000, 40000}[seed-1]
		g := randomGraph(n, 5, seed)
		g.props = []Property[int]{
			{Name: "not 13 mod 211", Expect: Always, Holds: func(s int) bool { return s%211 != 13 }},
			{Name: "often even", Expect: AlwaysEventually, Holds: func(s int) bool { return s%2 == 0 }},
		}
		for _, opts := range []Options{
			{KeepGoing: true},
			{},
			{KeepGoing: true, MaxStates: int64(n / 3)},
			{KeepGoing: true, GraphLimit: 500},
		} {
			for _, workers := range []int{1, 2, 3} {
				opts.Workers = workers
				r := &recyclingGraph{g: g}
				got := check(t, Model[*cell, int](r), opts)
				want := check(t, Model[*cell, int](plainGraph{&recyclingGraph{g: g}}), opts)
				if len(r.misuse) > 0 {
					t.Fatalf("seed %d, %+v: a recycled state was used: %v", seed, opts, r.misuse[:min(5, len(r.misuse))])
				}
				if !reflect.DeepEqual(sum(got), sum(want)) {
					t.Fatalf("seed %d, %+v: %+v recycling, %+v without", seed, opts, sum(got), sum(want))
				}
				if opts.KeepGoing && r.recycled.Load() == 0 {
					t.Fatalf("seed %d, %+v: nothing recycled", seed, opts)
				}
				// (Generated counts the initial states, as Unique does.)
				if dropped := got.Generated - got.Unique; workers == 1 && opts.KeepGoing && opts.MaxStates == 0 && r.recycled.Load() != dropped {
					t.Fatalf("seed %d, %+v: %d recycled, want the %d generated states that were not new", seed, opts, r.recycled.Load(), dropped)
				}
			}
		}
	}
}
