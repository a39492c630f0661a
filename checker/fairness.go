package checker

import (
	"errors"
	"fmt"
	"slices"
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
	// (violations only); after a complete one, the whole graph is explored, unless no step was
	// skipped (the record is then the whole graph).
	record := c.record != nil && (limit > 0 || !c.record.skipped())
	var g *liveGraph[S, A]
	var err error
	trace := c.replayPath
	switch {
	case record && c.sym != nil:
		// Under symmetry, on the product of the recorded quotient (quotient.go).
		var nodes []productNode
		g, nodes, err = c.product(checks, limit)
		if errors.Is(err, errProductTooLarge) { // it could not be built
			record = false
			g, err = c.buildLive(checks, limit)
			break
		}
		trace = func(path []pathStep, loop int) *Trace[S, A] { return c.liftPath(nodes, path, loop) }
	case record:
		g, err = c.liveFromRecord(checks, limit)
	default:
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
		tr := c.fairRun(g, c.props[ch.prop].Expect, u, trace)
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
func (c *core[S, A]) fairRun(g *liveGraph[S, A], e Expectation, k int, trace func([]pathStep, int) *Trace[S, A]) *Trace[S, A] {
	t, start, found := fairTargets(g, e, k)
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
	return trace(best, bestLoop)
}

// fairTargets marks, with Tarjan's algorithm, every state where a run violating the k-th
// check, of expectation e, may stop and every fair component it may cycle in; it returns the
// search, the states such a run may start from, and whether it marked any.
func fairTargets[S, A any](g *liveGraph[S, A], e Expectation, k int) (*tarjan[S, A], func(int32) bool, bool) {
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
	return &t, start, found
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
		if g.known(v) && g.enabled[v] == 0 && t.bad(v) {
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
	return t.g.known(v) && t.g.enabled[v] == 0 && t.bad(v)
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
