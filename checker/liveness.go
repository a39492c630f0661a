package checker

import (
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// The temporal properties (Eventually, AlwaysEventually, LeadsTo, EventuallyAlways, Quiesces) are
// decided after the search, on the reachable state graph (or, after a bounded search, on as
// many of its states, for violations only), under weak fairness per action group (see
// Fairness). A run is infinite, or stops in a state where no fair group is enabled (it
// stutters there forever). A run is fair when no fair group stays enabled from some state on
// without being taken again and again. A violation is a fair run on which the property fails:
// either it stops in a state (a dead end, or one where only unfair actions are enabled), or it
// ends in a cycle that repeats forever (a lasso). A cycle repeated forever is fair exactly when
// every fair group is taken on it or disabled in one of its states, so a strongly connected
// component of the states the run may visit holds a fair cycle exactly when every fair group
// enabled in all its states labels one of its inner edges: the decision is Tarjan's algorithm
// plus one mask test per component. As in TLA+, a step that leaves the state unchanged is
// stuttering: it neither takes its group nor keeps it enabled (a controller that retries a
// failing write on a stale read forever, changing nothing, has not acted).

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
type groupTable[A any] struct {
	groupOf func(A) ActionGroup
	ids     sync.Map // ActionGroup to int16
	mu      sync.Mutex
	list    []ActionGroup // by number; read once the workers are done
}

func newGroupTable[S, A any](m Model[S, A]) *groupTable[A] {
	t := &groupTable[A]{groupOf: func(A) ActionGroup { return ActionGroup{Name: "every action", Fair: true} }}
	if f, ok := m.(Fairness[A]); ok {
		t.groupOf = f.ActionGroup
	}
	return t
}

// of returns the number of a's group (safe for concurrent use).
func (t *groupTable[A]) of(a A) int16 {
	g := t.groupOf(a)
	if id, ok := t.ids.Load(g); ok {
		return id.(int16)
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids.Load(g); ok {
		return id.(int16)
	}
	id := int16(len(t.list))
	t.list = append(t.list, g)
	t.ids.Store(g, id)
	return id
}

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
	lb.queue = append(lb.queue, s)
	return id
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
		grp := lb.groups.list[x.group]
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
	grp := lb.groups.list[group]
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
		hi := len(lb.queue)
		if limit > 0 {
			hi = min(hi, int(limit))
		}
		if lo >= hi {
			break
		}
		if c.timeUp() {
			c.stopFor(StopTimeout)
			return nil, nil
		}
		if c.ctx != nil && c.ctx.Err() != nil {
			c.stopFor(StopInterrupted)
			return nil, nil
		}
		succ, states := c.expandLive(checks, lb.g, lb.queue[lo:hi], lo, workers, lb.ids)
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
func (r *liveRecord[S, A]) expanded(c *core[S, A], pos uint32, fp uint64, s S, next []successor[S, A], covered []A) {
	e := liveExpansion{fp: fp, succ: make([]liveSucc, len(next))}
	labelState(r.levelLabels[int(pos)*r.words:int(pos+1)*r.words], r.checks, c.props, s)
	for k, x := range next {
		e.succ[k] = liveSucc{fp: x.fp, act: x.index, group: c.groups.of(x.act)}
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
	c.numberInits(lb)
	r := c.record
	n := int64(len(r.states))
	if limit > 0 {
		n = min(n, limit)
	}
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

// liveVerdicts decides the temporal properties not yet decided, after a complete search
// (limit 0). After a search cut by a bound, it explores the first limit states breadth first and
// reports only the violations found among them: a fair cycle, or a state where a run may stop,
// all of whose edges are known is real, but the absence of one proves nothing.
func (c *core[S, A]) liveVerdicts(limit int64) {
	checks := liveChecks(c.props)
	undecided := false
	for _, ch := range checks {
		undecided = undecided || c.found[ch.prop] == nil
	}
	if !undecided {
		return
	}
	// The recorded graph lacks the steps a reduction skipped: it serves a bounded search
	// (violations only); after a complete one, the whole graph is explored.
	record := c.record != nil && (c.cover == nil || limit > 0)
	var g *liveGraph[S, A]
	var err error
	if record {
		g, err = c.liveFromRecord(checks, limit)
	} else {
		g, err = c.buildLive(checks, limit)
	}
	if err != nil {
		c.err = err
		return
	}
	if g == nil {
		return // out of time
	}
	c.liveBytes = g.bytes()
	if record {
		c.liveBytes += c.record.bytes()
	}
	for u, ch := range checks {
		if c.found[ch.prop] != nil {
			continue // an earlier instance is violated
		}
		tr := c.fairRun(g, c.props[ch.prop].Expect, u)
		switch {
		case c.err != nil:
			return // a trace could not be replayed: the rest stay unknown
		case tr != nil:
			c.found[ch.prop] = &found[S, A]{status: Violated, trace: tr}
		case limit == 0 && (u == len(checks)-1 || checks[u+1].prop != ch.prop):
			c.found[ch.prop] = &found[S, A]{status: Holds}
		}
	}
}

// fairRun looks for a fair run that violates the k-th check, of expectation e, and returns it
// as a trace (a lasso when it cycles), or nil. Tarjan's algorithm marks every state where a
// violating run may stop and every fair component it may cycle in; the trace is then a
// shortest path to one of them, and for a component a cycle from the state reached.
func (c *core[S, A]) fairRun(g *liveGraph[S, A], e Expectation, k int) *Trace[S, A] {
	n := int(g.n)
	holds := func(v int32) bool { return g.bit(v, 2*k) }
	then := func(v int32) bool { return g.bit(v, 2*k+1) }
	// The states a violating run may visit (from a start on), the states it may start from,
	// and the states it must visit again and again (EventuallyAlways, Quiesces).
	region, start := func(v int32) bool { return !holds(v) }, func(v int32) bool { return !holds(v) }
	bad := func(int32) bool { return true }
	noEnv := false
	switch e {
	case LeadsTo:
		region = func(v int32) bool { return !then(v) }
		start = func(v int32) bool { return holds(v) && !then(v) }
	case EventuallyAlways:
		region, start, bad, noEnv = func(int32) bool { return true }, func(int32) bool { return true }, region, true
	case Quiesces:
		region, start, noEnv = func(int32) bool { return true }, func(int32) bool { return true }, true
		bad = func(v int32) bool { return g.enabled[v]&g.system != 0 }
	case Eventually:
		start = func(v int32) bool { return v < int32(len(g.inits)) && !holds(v) }
	}
	t := tarjan[S, A]{g: g, region: region, bad: bad, noEnv: noEnv,
		index: make([]int32, n), low: make([]int32, n), comp: make([]int32, n), target: make([]bool, n)}
	found := false
	for v := int32(0); v < int32(n); v++ {
		if start(v) && t.index[v] == 0 {
			found = t.run(v) || found
		}
	}
	if !found {
		return nil
	}
	// Of the shortest ways in, the one with the shortest cycle (none where the run may stop).
	var best []pathStep
	bestLoop := -1
	for _, path := range t.shortestEntries(start) {
		loop := -1
		if e := path[len(path)-1].state; !t.stops(e) {
			loop = len(path) - 1
			path = append(path, t.fairCycle(e)...)
		}
		if best == nil || len(path) < len(best) {
			best, bestLoop = path, loop
		}
	}
	return c.replayPath(best, bestLoop)
}

// pathStep is a state of a path and the index, among its predecessor's enabled actions, of the
// action that led to it (for the first state, its index in Init).
type pathStep struct {
	state, act int32
}

// tarjan is an iterative Tarjan's strongly-connected-components search over the states of a
// region, marking the states where a violating run may stop or cycle.
type tarjan[S, A any] struct {
	g       *liveGraph[S, A]
	region  func(int32) bool
	bad     func(int32) bool // a run must visit such a state again and again
	noEnv   bool             // cycles only through the system's actions (the environment stops)
	index   []int32          // 1 + the visit order; 0 when not visited
	low     []int32
	comp    []int32 // 1 + the component's root once done, 0 while open
	target  []bool  // a stutter state, or a member of a fair component, with a bad state
	stack   []int32
	counter int32
}

// edgeIn reports whether edge j is one a violating run may take.
func (t *tarjan[S, A]) edgeIn(j int32) bool {
	return t.region(t.g.to[j]) && !(t.noEnv && t.g.env[j])
}

// run searches from v and reports whether it marked a target.
func (t *tarjan[S, A]) run(v int32) bool {
	type frame struct{ v, next int32 }
	g := t.g
	found := false
	var dfs []frame
	push := func(v int32) {
		t.counter++
		t.index[v], t.low[v] = t.counter, t.counter
		t.stack = append(t.stack, v)
		dfs = append(dfs, frame{v: v, next: g.first[v]})
		if v < g.expanded && g.enabled[v] == 0 && t.bad(v) {
			t.target[v], found = true, true // a run may stop here
		}
	}
	push(v)
	for len(dfs) > 0 {
		f := &dfs[len(dfs)-1]
		if f.next < g.first[f.v+1] {
			j := f.next
			f.next++
			if !t.edgeIn(j) {
				continue
			}
			switch w := g.to[j]; {
			case t.index[w] == 0:
				push(w)
			case t.comp[w] == 0:
				t.low[f.v] = min(t.low[f.v], t.index[w])
			}
			continue
		}
		u := f.v
		dfs = dfs[:len(dfs)-1]
		if len(dfs) > 0 {
			p := &dfs[len(dfs)-1]
			t.low[p.v] = min(t.low[p.v], t.low[u])
		}
		if t.low[u] != t.index[u] {
			continue
		}
		k := len(t.stack) - 1
		for t.stack[k] != u {
			k--
		}
		members := t.stack[k:]
		for _, w := range members {
			t.comp[w] = u + 1
		}
		if t.fairComponent(members) {
			for _, w := range members {
				t.target[w] = true
			}
			found = true
		}
		t.stack = t.stack[:k]
	}
	return found
}

// fairComponent reports whether a component just completed holds a fair cycle through a bad
// state: it has an inner edge, a bad state, and every fair group enabled in all its states
// labels one of its inner edges.
func (t *tarjan[S, A]) fairComponent(members []int32) bool {
	g := t.g
	all, taken, anyBad, inner := ^uint64(0), uint64(0), false, false
	for _, w := range members {
		all &= g.enabled[w]
		anyBad = anyBad || t.bad(w)
		for j := g.first[w]; j < g.first[w+1]; j++ {
			if t.edgeIn(j) && t.comp[g.to[j]] == t.comp[w] {
				inner = true
				if g.group[j] >= 0 {
					taken |= 1 << g.group[j]
				}
			}
		}
	}
	return inner && anyBad && all&^taken == 0
}

// stops reports whether a run may stop in v: its edges are known, no fair group is enabled
// there, and it is a state the run must not rest in.
func (t *tarjan[S, A]) stops(v int32) bool {
	return v < t.g.expanded && t.g.enabled[v] == 0 && t.bad(v)
}

// shortestEntries returns the shortest paths from an initial state to the targets nearest to
// one: any path to a start state, then through the region (breadth first over the pairs of a
// state and whether a start was passed), one per target, in the order breadth-first search
// meets them (earlier initial states and actions first).
func (t *tarjan[S, A]) shortestEntries(start func(int32) bool) [][]pathStep {
	g := t.g
	n := g.n
	type node = int32 // v, or n + v once a start was passed
	prev := make([]int32, 2*n)
	via := make([]int32, 2*n)
	dist := make([]int32, 2*n)
	for i := range prev {
		prev[i] = -2 // unseen
	}
	var queue []node
	reach := func(x, from, act int32) {
		if prev[x] == -2 {
			prev[x], via[x] = from, act
			if from >= 0 {
				dist[x] = dist[from] + 1
			}
			queue = append(queue, x)
		}
	}
	var found [][]pathStep
	for v, i := range g.inits {
		reach(int32(v), -1, i)
		if start(int32(v)) {
			reach(n+int32(v), -1, i)
		}
	}
	for ; len(queue) > 0; queue = queue[1:] {
		x := queue[0]
		v, passed := x%n, x >= n
		if len(found) > 0 && int(dist[x]) >= len(found[0]) {
			return found // the nearest targets are all met
		}
		if passed && t.target[v] {
			var p []pathStep
			for y := x; y >= 0; y = prev[y] {
				p = append(p, pathStep{state: y % n, act: via[y]})
			}
			slices.Reverse(p)
			found = append(found, p)
			continue
		}
		for j := g.first[v]; j < g.first[v+1]; j++ {
			w := g.to[j]
			switch {
			case passed && t.region(w):
				reach(n+w, x, g.act[j])
			case !passed:
				reach(w, x, g.act[j])
				if start(w) {
					reach(n+w, x, g.act[j])
				}
			}
		}
	}
	if len(found) == 0 {
		panic("checker: a target of the liveness search is unreachable")
	}
	return found
}

// fairCycle returns a fair cycle through a bad state from e, a member of a fair component, back
// to e (without e at its start). It walks from e meeting each requirement in turn by the
// shortest way: a bad state, then for each fair group enabled somewhere in the component, a
// state where it is disabled or one of its edges; then back to e. Whatever states the walk
// visits, every group it could find enabled is then taken or seen disabled.
func (t *tarjan[S, A]) fairCycle(e int32) []pathStep {
	g := t.g
	inComp := func(w int32) bool { return t.comp[w] == t.comp[e] }
	var some uint64
	for w := range g.n {
		if inComp(w) {
			some |= g.enabled[w]
		}
	}
	var cycle []pathStep
	cur := e
	var seenTaken, seenDisabled uint64 = 0, ^g.enabled[e]
	met := func(p []pathStep, groups []int8) {
		for i, s := range p {
			seenDisabled |= ^g.enabled[s.state]
			if groups[i] >= 0 {
				seenTaken |= 1 << groups[i]
			}
		}
		if len(p) > 0 {
			cycle = append(cycle, p...)
			cur = p[len(p)-1].state
		}
	}
	if !t.bad(e) {
		met(t.shortest(cur, inComp, t.bad, nil))
	}
	for b := range len(g.groups) {
		need := uint64(1) << b
		if some&need == 0 || (seenTaken|seenDisabled)&need != 0 {
			continue
		}
		met(t.shortest(cur, inComp, func(w int32) bool { return g.enabled[w]&need == 0 }, func(j int32) bool { return g.group[j] == int8(b) }))
	}
	if cur != e || len(cycle) == 0 {
		met(t.bfs(cur, inComp, func(j int32) bool { return g.to[j] == e }))
	}
	return cycle
}

// shortest returns a shortest path (without from itself) inside the component to a state where
// goal holds, or through an edge where goalEdge holds, with each step's fair group. A goal
// state may be from itself (an empty path).
func (t *tarjan[S, A]) shortest(from int32, in func(int32) bool, goal func(int32) bool, goalEdge func(int32) bool) ([]pathStep, []int8) {
	if goal(from) {
		return nil, nil
	}
	return t.bfs(from, in, func(j int32) bool { return goal(t.g.to[j]) || goalEdge != nil && goalEdge(j) })
}

// bfs returns the shortest path from from, through inner edges, whose last edge satisfies
// done; ties go to the earlier action.
func (t *tarjan[S, A]) bfs(from int32, in func(int32) bool, done func(int32) bool) ([]pathStep, []int8) {
	g := t.g
	type link struct{ prev, edge int32 }
	links := map[int32]link{from: {-1, -1}} // only looked up
	for queue := []int32{from}; len(queue) > 0; queue = queue[1:] {
		v := queue[0]
		for j := g.first[v]; j < g.first[v+1]; j++ {
			w := g.to[j]
			if !t.edgeIn(j) || !in(w) {
				continue
			}
			if done(j) {
				edges := []int32{j}
				for x := v; x != from; x = links[x].prev {
					edges = append(edges, links[x].edge)
				}
				slices.Reverse(edges)
				p, groups := make([]pathStep, len(edges)), make([]int8, len(edges))
				for i, e := range edges {
					p[i], groups[i] = pathStep{state: g.to[e], act: g.act[e]}, g.group[e]
				}
				return p, groups
			}
			if _, ok := links[w]; !ok {
				links[w] = link{v, j}
				queue = append(queue, w)
			}
		}
	}
	panic("checker: no path inside a strongly connected component")
}

// replayPath rebuilds the concrete trace of a path from an initial state by re-running the model
// (checker.Replay); loop, if not negative, is where its cycle starts.
func (c *core[S, A]) replayPath(path []pathStep, loop int) *Trace[S, A] {
	acts := make([]int, len(path)-1)
	for i, p := range path[1:] {
		acts[i] = int(p.act)
	}
	tr, err := Replay(c.m, int(path[0].act), acts)
	if err != nil {
		c.err = fmt.Errorf("liveness: the model is not deterministic: %v", err)
		return nil
	}
	if loop >= 0 {
		tr.Cycle, tr.CycleStart = true, loop
	}
	return tr
}
