package checker

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The reachable state graph the temporal properties are decided on (fairness.go decides them):
// recorded by BFS as it searches, or explored after the search; states as numbers with their
// conditions, enabled fair groups and edges.

// liveGraph is the reachable state graph, built once after the search for the temporal
// properties: states are numbered in BFS order, the initial ones first, each with its
// properties' conditions as bits, the fair groups enabled in it, and its edges. States
// themselves are not kept: a trace is rebuilt by replaying the model from an initial state.
type liveGraph[S, A any] struct {
	n       int32    // states
	inits   []int32  // for each initial state (numbered 0, 1, ...), its index in Init
	label   []uint64 // words per state; bit 2u: the u-th check's Holds, bit 2u+1: its Then
	words   int
	enabled []uint64 // fair groups enabled in the state
	first   []int32  // edges of state v are first[v]..first[v+1]
	to      []int32
	group   []int8  // the edge's fair group, or -1 for an unfair action
	env     []bool  // the edge is the environment's
	act     []int32 // the edge's index among the source's enabled actions (Enabled)
	groups  []string
	system  uint64 // the fair groups that are not the environment's
	// expanded is the number of states, the first in BFS order, whose edges are known: all
	// of them after a complete search.
	expanded int32
	// unexpanded, when not nil, marks the states whose edges are not known instead (they are
	// not the last ones: the product of a bounded search's quotient, quotient.go).
	unexpanded []bool
}

// known reports whether state v's edges are known.
func (g *liveGraph[S, A]) known(v int32) bool {
	if g.unexpanded != nil {
		return !g.unexpanded[v]
	}
	return v < g.expanded
}

// bytes is the graph's memory, including the fingerprint index it was built with.
func (g *liveGraph[S, A]) bytes() int64 {
	n, e := int64(g.n), int64(len(g.to))
	return n*(int64(8*g.words)+8+4+liveIndexBytes) + e*(4+1+1+4)
}

// liveIndexBytes estimates the per-entry memory of the fingerprint to state map while building.
const liveIndexBytes = 24

// groupTable numbers the model's action groups (every action in one fair group by default),
// so that an edge keeps a small number rather than its group. Numbers depend on the order in
// which workers meet the groups; nothing that is shown does (fair groups get their bits when
// the graph is merged, in order).
//
// A model has a few dozen groups at most, met on every edge: they are looked up in a list
// that is replaced, never changed, when a group is added, so that readers take no lock and
// hash nothing (a sync.Map hashed the group's name for every edge: 2% of the 59848 check
// under symmetry in WebAssembly, whose string hash has no hardware help).
type groupTable[A any] struct {
	groupOf func(A) ActionGroup
	known   atomic.Pointer[[]ActionGroup] // by number; nil before the first
	mu      sync.Mutex                    // held to add one
}

func newGroupTable[S, A any](m Model[S, A]) *groupTable[A] {
	t := &groupTable[A]{groupOf: func(A) ActionGroup { return ActionGroup{Name: "every action", Fair: true} }}
	if f, ok := m.(Fairness[A]); ok {
		t.groupOf = f.ActionGroup
	}
	return t
}

// of returns the number of a's group (safe for concurrent use).
func (t *groupTable[A]) of(a A) int16 { return t.ofGroup(t.groupOf(a)) }

// ofGroup returns the number of group g (safe for concurrent use).
func (t *groupTable[A]) ofGroup(g ActionGroup) int16 {
	if id, ok := t.find(g); ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.find(g); ok {
		return id
	}
	var list []ActionGroup
	if p := t.known.Load(); p != nil {
		list = *p
	}
	next := append(slices.Clip(list), g) // a new list: readers may hold the old one
	t.known.Store(&next)
	return int16(len(next) - 1)
}

// find returns the number of group g, if it has one.
func (t *groupTable[A]) find(g ActionGroup) (int16, bool) {
	if p := t.known.Load(); p != nil {
		for i, x := range *p {
			if x == g {
				return int16(i), true
			}
		}
	}
	return 0, false
}

// group returns the group numbered id (safe for concurrent use).
func (t *groupTable[A]) group(id int16) ActionGroup { return (*t.known.Load())[id] }

// liveBuilder numbers states and appends their edges to a liveGraph, state after state in BFS
// order; buildLive feeds it from its own exploration, liveFromRecord from the one the BFS
// recorded.
type liveBuilder[S, A any] struct {
	g      *liveGraph[S, A]
	ids    map[uint64]int32
	groups *groupTable[A]
	bit    map[string]int8 // only looked up; bits are given in order of discovery
	limit  int64
	queue  []S // states by number, each dropped once expanded (buildLive only)
	// recorded: the states come from the BFS's record, never from queue, which stays empty.
	recorded bool
}

func newLiveBuilder[S, A any](checks []liveCheck, groups *groupTable[A], limit int64) *liveBuilder[S, A] {
	return &liveBuilder[S, A]{g: &liveGraph[S, A]{words: labelWords(checks)}, ids: map[uint64]int32{}, groups: groups, bit: map[string]int8{}, limit: limit}
}

// labelWords is the number of 64-bit words that hold the checks' two conditions.
func labelWords(checks []liveCheck) int { return (2*len(checks) + 63) / 64 }

// discover returns the number of the state with fingerprint fp, numbering it if it is new.
func (lb *liveBuilder[S, A]) discover(s S, fp uint64) int32 {
	if id, ok := lb.ids[fp]; ok {
		return id
	}
	g := lb.g
	id := g.n
	g.n++
	lb.ids[fp] = id
	g.label = append(g.label, make([]uint64, g.words)...)
	if lb.limit > 0 && int64(id) >= lb.limit {
		var zero S
		s = zero // never expanded
	}
	if !lb.recorded {
		lb.queue = append(lb.queue, s)
	}
	return id
}

// reserve makes room for a graph of states states and edges edges: one built from the BFS's
// record, whose size is known, grows no slice or map then.
func (lb *liveBuilder[S, A]) reserve(states, edges int) {
	g := lb.g
	lb.ids = make(map[uint64]int32, states)
	g.label = make([]uint64, 0, states*g.words)
	g.first, g.enabled = make([]int32, 0, states+1), make([]uint64, 0, states)
	g.to, g.act = make([]int32, 0, edges), make([]int32, 0, edges)
	g.group, g.env = make([]int8, 0, edges), make([]bool, 0, edges)
}

// expand records the edges of state v, the next to expand, to its successors; states, if not
// nil, holds the successors' states (those not yet numbered), to expand later. covered are the
// groups of steps a reduction skipped (Covering): enabled in v (they change the state), with no
// edge. A fair cycle or a stop found on such a graph is one of the whole graph; its absence
// proves nothing, so it serves a bounded search only.
func (lb *liveBuilder[S, A]) expand(v int32, succ []liveSucc, states []S, covered []int16) error {
	g := lb.g
	g.expanded++
	g.first = append(g.first, int32(len(g.to)))
	var en uint64
	for _, grp := range covered {
		b, err := lb.bitOf(grp)
		if err != nil {
			return err
		}
		if b >= 0 {
			en |= 1 << b
		}
	}
	for k, x := range succ {
		var s S
		if states != nil {
			s = states[k]
		}
		w := lb.discover(s, x.fp)
		if w == v {
			continue // a step that changes nothing is stuttering
		}
		b, err := lb.bitOf(x.group)
		if err != nil {
			return err
		}
		if b >= 0 {
			en |= 1 << b
		}
		grp := lb.groups.group(x.group)
		g.act = append(g.act, x.act)
		g.to = append(g.to, w)
		g.group = append(g.group, b)
		g.env = append(g.env, grp.Environment)
	}
	g.enabled = append(g.enabled, en)
	return nil
}

// bitOf returns the bit of a group in the graph's fair groups (numbered as met), or -1 for a
// group that is not fair.
func (lb *liveBuilder[S, A]) bitOf(group int16) (int8, error) {
	grp := lb.groups.group(group)
	if !grp.Fair {
		return -1, nil
	}
	b, known := lb.bit[grp.Name]
	if known {
		return b, nil
	}
	g := lb.g
	if len(g.groups) == 64 {
		return 0, fmt.Errorf("liveness: more than 64 fair action groups")
	}
	b = int8(len(g.groups))
	lb.bit[grp.Name] = b
	g.groups = append(g.groups, grp.Name)
	if !grp.Environment {
		g.system |= 1 << b
	}
	return b, nil
}

// done closes the graph: the states left unexpanded have no edges.
func (lb *liveBuilder[S, A]) done() *liveGraph[S, A] {
	g := lb.g
	for range int(g.n) - len(g.first) + 1 {
		g.first = append(g.first, int32(len(g.to)))
	}
	g.enabled = append(g.enabled, make([]uint64, int(g.n)-len(g.enabled))...)
	return g
}

// numberInits numbers the distinct initial states, in order.
func (c *core[S, A]) numberInits(lb *liveBuilder[S, A]) {
	var sc scratch[S, A]
	for i, s := range c.m.Init() {
		sc.enc = c.m.Encode(sc.enc[:0], s)
		if lb.discover(s, fingerprint(sc.enc)) == int32(len(lb.g.inits)) {
			lb.g.inits = append(lb.g.inits, int32(i))
		}
	}
}

// buildLive explores the reachable states of the concrete model (without symmetry: the
// fairness of one replica is not invariant under permuting replicas) breadth first, expanding
// the first limit states (0: all). It returns nil if the time runs out or the search's context
// ends (which then stops the check, if nothing else had). Each BFS level is expanded on
// Options.Workers goroutines (the model's steps, encodings and conditions) and merged in order
// on one, so the graph, its numbering and the traces do not depend on the number of workers.
func (c *core[S, A]) buildLive(checks []liveCheck, limit int64) (*liveGraph[S, A], error) {
	lb := newLiveBuilder[S](checks, c.groups, limit)
	c.numberInits(lb)
	workers := make([]scratch[S, A], max(1, c.opts.Workers))
	every := c.opts.ProgressEvery
	if every <= 0 {
		every = time.Second
	}
	reported := time.Now()
	for lo := 0; lo < len(lb.queue); {
		if c.opts.Progress != nil && time.Since(reported) >= every {
			p := c.progress(c.depth, 0)
			p.Liveness = max(int64(lo), 1)
			c.opts.Progress(p)
			reported = time.Now()
		}
		// A chunk of the queue at a time (the same order as the whole queue at once: expand
		// appends to its end), so that the bounds are looked at often and a chunk's successors
		// held at once stay few.
		hi := min(len(lb.queue), lo+liveChunk)
		if limit > 0 {
			hi = min(hi, int(limit))
		}
		if lo >= hi {
			break
		}
		if st := c.outOfBudget(); st != Exhausted {
			c.stopFor(st)
			return nil, nil
		}
		if c.ctx != nil && c.ctx.Err() != nil {
			c.stopFor(StopInterrupted)
			return nil, nil
		}
		succ, states := c.expandLive(checks, lb.g, lb.queue[lo:hi], lo, workers, lb.ids)
		c.explored += int64(hi - lo)
		for j := range succ {
			v := int32(lo + j)
			var zero S
			lb.queue[v] = zero
			if err := lb.expand(v, succ[j], states[j], nil); err != nil {
				return nil, err
			}
		}
		lo = hi
	}
	return lb.done(), nil
}

// liveChunk is the most states buildLive expands between two looks at its bounds.
const liveChunk = 1 << 14

// liveRecord is the graph the BFS recorded while it searched, level by level: each expanded
// state's fingerprint, conditions and successors (without their states), in BFS order.
type liveRecord[S, A any] struct {
	checks      []liveCheck
	words       int
	level       []liveExpansion // the level being expanded, by position
	levelLabels []uint64        // its conditions, words per position
	states      []liveExpansion // the expanded states of the levels done, in order
	labels      []uint64        // their conditions
}

// liveExpansion is one expanded state: its fingerprint, its successors, and the groups of the
// steps a reduction skipped (see Covering), which are enabled there though their edges are not
// known.
type liveExpansion struct {
	fp      uint64
	succ    []liveSucc
	covered []int16
	perm    int16 // under a recorded symmetry, the permutation from the state to its representative
	classes int16 // and its classes of interchangeable processes (0: each process alone)
}

// bytes is the record's memory.
func (r *liveRecord[S, A]) bytes() int64 {
	n := int64(len(r.states))
	edges := int64(0)
	for _, e := range r.states {
		edges += int64(len(e.succ))
	}
	return n*int64(unsafe.Sizeof(liveExpansion{})) + int64(8*len(r.labels)) + edges*int64(unsafe.Sizeof(liveSucc{}))
}

// skipped reports whether a reduction skipped a step of a recorded state.
func (r *liveRecord[S, A]) skipped() bool {
	for k := range r.states {
		if len(r.states[k].covered) > 0 {
			return true
		}
	}
	return false
}

// startLevel makes room for a level of width states.
func (r *liveRecord[S, A]) startLevel(width int) {
	r.level, r.levelLabels = make([]liveExpansion, width), make([]uint64, width*r.words)
}

// endLevel keeps the expansions of the level's first keep positions (all of them but when the
// search stopped in the level).
func (r *liveRecord[S, A]) endLevel(keep int) {
	r.states, r.labels = append(r.states, r.level[:keep]...), append(r.labels, r.levelLabels[:keep*r.words]...)
}

// expanded records the expansion of the state at position pos of the level (a worker's call;
// positions are distinct).
func (r *liveRecord[S, A]) expanded(c *core[S, A], sc *scratch[S, A], pos uint32, p *entry[S], next []Step[S, A], fps []succFP, covered []A) {
	e := liveExpansion{fp: p.fp, succ: make([]liveSucc, len(next)), perm: p.perm}
	if c.classes != nil {
		sc.perm = c.classesOf(p.state, sc.perm[:0])
		e.classes = c.classes.id(sc.perm)
	}
	labelState(r.levelLabels[int(pos)*r.words:int(pos+1)*r.words], r.checks, c.props, p.state)
	var own []byte // p's encoding, for a step to its own orbit under symmetry
	for k, x := range next {
		f := fps[k]
		e.succ[k] = liveSucc{fp: f.fp, act: sc.indexOf(k), group: c.groups.of(x.Action), perm: f.perm}
		if c.sym != nil && f.fp == p.fp && (f.perm == p.perm || c.sameState(sc, &own, p.state, x.State)) {
			e.succ[k].perm = stutterPerm // the step changes nothing
		}
	}
	for _, a := range covered {
		e.covered = append(e.covered, c.groups.of(a))
	}
	r.level[pos] = e
}

// labelState sets the bits of the checks' conditions that hold in s.
func labelState[S any](label []uint64, checks []liveCheck, props []Property[S], s S) {
	for u, ch := range checks {
		holds, then := evalCheck(ch, props[ch.prop], s)
		if holds {
			label[2*u/64] |= 1 << (2 * u % 64)
		}
		if then {
			label[(2*u+1)/64] |= 1 << ((2*u + 1) % 64)
		}
	}
}

// liveFromRecord builds the graph from what the BFS recorded, its first limit expanded states
// (0: all).
func (c *core[S, A]) liveFromRecord(checks []liveCheck, limit int64) (*liveGraph[S, A], error) {
	lb := newLiveBuilder[S](checks, c.groups, limit)
	lb.recorded = true
	r := c.record
	n := int64(len(r.states))
	if limit > 0 {
		n = min(n, limit)
	}
	edges := 0
	for k := range n {
		edges += len(r.states[k].succ)
	}
	// The graph's states are the initial ones and the expanded ones' successors: at most the
	// search's (the table's count may lag a few behind: room only).
	lb.reserve(int(min(c.table.count.Load(), 1+n+int64(edges))), edges)
	c.numberInits(lb)
	for k := range n {
		e := &r.states[k]
		v, ok := lb.ids[e.fp]
		if !ok || int64(v) != k {
			return nil, fmt.Errorf("liveness: the recorded search is not in BFS order")
		}
		copy(lb.g.label[int(v)*lb.g.words:], r.labels[int(k)*r.words:int(k+1)*r.words])
		if err := lb.expand(v, e.succ, nil, e.covered); err != nil {
			return nil, err
		}
	}
	return lb.done(), nil
}

// liveSucc is an edge to a successor: its fingerprint, the index of the action among the
// parent's enabled ones and the action's fairness group.
type liveSucc struct {
	fp    uint64
	act   int32
	group int16 // in the groupTable
	perm  int16 // under a recorded symmetry, the successor's permutation to its representative
}

// expandLive expands the states of one BFS level (numbered from first) on len(workers)
// goroutines: it writes their conditions into g's labels and returns their successors, and
// the states of those not in known (which it only reads; zero for the others).
func (c *core[S, A]) expandLive(checks []liveCheck, g *liveGraph[S, A], states []S, first int, workers []scratch[S, A], known map[uint64]int32) ([][]liveSucc, [][]S) {
	out, outStates := make([][]liveSucc, len(states)), make([][]S, len(states))
	const chunk = 64
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func(sc *scratch[S, A]) {
			defer wg.Done()
			for {
				start := int(next.Add(chunk)) - chunk
				if start >= len(states) {
					return
				}
				for j := start; j < min(start+chunk, len(states)); j++ {
					s, v := states[j], first+j
					labelState(g.label[v*g.words:(v+1)*g.words], checks, c.props, s)
					sc.steps = expand(c.m, s, sc, sc.steps[:0])
					for k, st := range sc.steps {
						sc.enc = c.m.Encode(sc.enc[:0], st.State)
						x := liveSucc{fp: fingerprint(sc.enc), act: int32(k), group: c.groups.of(st.Action)}
						nx := st.State
						if _, ok := known[x.fp]; ok {
							var zero S
							nx = zero
						}
						out[j] = append(out[j], x)
						outStates[j] = append(outStates[j], nx)
					}
				}
			}
		}(&workers[w])
	}
	wg.Wait()
	return out, outStates
}

// liveCheck is one check on the live graph: a temporal property, or one of its instances.
type liveCheck struct {
	prop, instance int // instance -1: the property itself
}

// liveChecks lists the checks of the temporal properties: each property, or each instance.
func liveChecks[S any](props []Property[S]) []liveCheck {
	var checks []liveCheck
	for i, p := range props {
		if !p.Expect.Temporal() {
			continue
		}
		if p.Per == 0 {
			checks = append(checks, liveCheck{prop: i, instance: -1})
		}
		for k := range p.Per {
			checks = append(checks, liveCheck{prop: i, instance: k})
		}
	}
	return checks
}

// evalCheck returns a check's conditions in s.
func evalCheck[S any](ch liveCheck, p Property[S], s S) (holds, then bool) {
	if ch.instance >= 0 {
		return p.HoldsPer(s, ch.instance), p.ThenPer != nil && p.ThenPer(s, ch.instance)
	}
	return p.Holds != nil && p.Holds(s), p.Then != nil && p.Then(s)
}

// bit reports bit b of state v's label.
func (g *liveGraph[S, A]) bit(v int32, b int) bool {
	return g.label[int(v)*g.words+b/64]&(1<<(b%64)) != 0
}
