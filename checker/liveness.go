package checker

import (
	"fmt"
	"slices"
)

// The temporal properties (Eventually, AlwaysEventually, LeadsTo, EventuallyAlways) are decided
// after a complete search, on the reachable state graph, under weak fairness per action group
// (see Fairness). A run is infinite, or stops in a state where no fair group is enabled (it
// stutters there forever). A run is fair when no fair group stays enabled from some state on
// without being taken again and again. A violation is a fair run on which the property fails:
// either it stops in a state (a dead end, or one where only unfair actions are enabled), or it
// ends in a cycle that repeats forever (a lasso). A cycle repeated forever is fair exactly when
// every fair group is taken on it or disabled in one of its states, so a strongly connected
// component of the states the run may visit holds a fair cycle exactly when every fair group
// enabled in all its states labels one of its inner edges: the decision is Tarjan's algorithm
// plus one mask test per component.

// liveGraph is the reachable state graph, built once after a complete search for the temporal
// properties: states are numbered in BFS order, each with its properties' conditions as bits,
// the fair groups enabled in it, and its edges. States themselves are not kept: a trace is
// rebuilt by replaying the model from an initial state.
type liveGraph[S, A any] struct {
	label   []uint64 // bit 2k: the k-th temporal property's Holds; bit 2k+1: its Then
	enabled []uint64 // fair groups enabled in the state
	parent  []int32  // the BFS tree: the state first reached from (-1 for an initial state)
	via     []int32  // index in the parent's action list of the action into the state (initial states: in Init)
	first   []int32  // edges of state v are first[v]..first[v+1]
	to      []int32
	group   []int8  // the edge's fair group, or -1 for an unfair action
	act     []int32 // the edge's index in the source state's action list
	groups  []string
}

// bytes is the graph's memory, including the fingerprint index it was built with.
func (g *liveGraph[S, A]) bytes() int64 {
	n, e := int64(len(g.label)), int64(len(g.to))
	return n*(8+8+4+4+4+liveIndexBytes) + e*(4+1+4)
}

// liveIndexBytes estimates the per-entry memory of the fingerprint to state map while building.
const liveIndexBytes = 24

// fairness returns the model's action grouping: every action in one fair group by default.
func fairness[S, A any](m Model[S, A]) func(A) (string, bool) {
	if f, ok := m.(Fairness[A]); ok {
		return f.ActionGroup
	}
	return func(A) (string, bool) { return "every action", true }
}

// buildLive explores the reachable states of the concrete model (without symmetry: the
// fairness of one replica is not invariant under permuting replicas) breadth first.
func (c *core[S, A]) buildLive(temporal []int) (*liveGraph[S, A], error) {
	g := &liveGraph[S, A]{}
	groupOf := fairness(c.m)
	bit := map[string]int8{} // only looked up; bits are given in order of discovery
	ids := map[uint64]int32{}
	var sc scratch[A]
	var queue []S
	visit := func(s S, parent, via int32) int32 {
		sc.enc = c.m.Encode(sc.enc[:0], s)
		fp := fingerprint(sc.enc)
		if id, ok := ids[fp]; ok {
			return id
		}
		id := int32(len(g.label))
		ids[fp] = id
		var l uint64
		for k, i := range temporal {
			p := c.props[i]
			if p.Holds(s) {
				l |= 1 << (2 * k)
			}
			if p.Then != nil && p.Then(s) {
				l |= 1 << (2*k + 1)
			}
		}
		g.label = append(g.label, l)
		g.parent, g.via = append(g.parent, parent), append(g.via, via)
		queue = append(queue, s)
		return id
	}
	for i, s := range c.m.Init() {
		visit(s, -1, int32(i))
	}
	for v := 0; v < len(queue); v++ {
		s := queue[v]
		var zero S
		queue[v] = zero // only the frontier is kept
		g.first = append(g.first, int32(len(g.to)))
		var en uint64
		sc.acts = c.m.Actions(s, sc.acts[:0])
		for k, a := range sc.acts {
			next, ok := c.m.Next(s, a)
			if !ok {
				continue
			}
			b := int8(-1)
			if name, fair := groupOf(a); fair {
				var known bool
				if b, known = bit[name]; !known {
					if len(g.groups) == 64 {
						return nil, fmt.Errorf("liveness: more than 64 fair action groups")
					}
					b = int8(len(g.groups))
					bit[name] = b
					g.groups = append(g.groups, name)
				}
				en |= 1 << b
			}
			g.act = append(g.act, int32(k))
			g.to = append(g.to, visit(next, int32(v), int32(k)))
			g.group = append(g.group, b)
		}
		g.enabled = append(g.enabled, en)
	}
	g.first = append(g.first, int32(len(g.to)))
	return g, nil
}

// temporal reports whether a property is decided on the live graph.
func temporal(e Expectation) bool {
	return e == Eventually || e == AlwaysEventually || e == LeadsTo || e == EventuallyAlways
}

// liveVerdicts decides the temporal properties not yet decided, after a complete search.
func (c *core[S, A]) liveVerdicts() {
	var ks []int
	for i, p := range c.props {
		if temporal(p.Expect) && c.found[i] == nil {
			ks = append(ks, i)
		}
	}
	if len(ks) == 0 {
		return
	}
	g, err := c.buildLive(ks)
	if err != nil {
		c.err = err
		return
	}
	c.liveBytes = g.bytes()
	for k, i := range ks {
		if tr := c.fairRun(g, c.props[i].Expect, k); tr != nil {
			c.found[i] = &found[S, A]{status: Violated, trace: tr}
		} else {
			c.found[i] = &found[S, A]{status: Holds}
		}
	}
}

// fairRun looks for a fair run that violates the k-th temporal property, of expectation e, and
// returns it as a trace (a lasso when it cycles), or nil.
func (c *core[S, A]) fairRun(g *liveGraph[S, A], e Expectation, k int) *Trace[S, A] {
	n := len(g.label)
	holds := func(v int32) bool { return g.label[v]&(1<<(2*k)) != 0 }
	then := func(v int32) bool { return g.label[v]&(1<<(2*k+1)) != 0 }
	// The states a violating run may visit (from a start on), the states it may start from,
	// and the states it must visit again and again (EventuallyAlways only).
	region, start := func(v int32) bool { return !holds(v) }, func(v int32) bool { return !holds(v) }
	bad := func(int32) bool { return true }
	fairOnly := false
	switch e {
	case LeadsTo:
		region = func(v int32) bool { return !then(v) }
		start = func(v int32) bool { return holds(v) && !then(v) }
	case EventuallyAlways:
		region, start, bad, fairOnly = func(int32) bool { return true }, func(int32) bool { return true }, region, true
	case Eventually:
		start = func(v int32) bool { return g.parent[v] < 0 && !holds(v) }
	}
	t := tarjan[S, A]{g: g, region: region, bad: bad, fairOnly: fairOnly,
		index: make([]int32, n), low: make([]int32, n), comp: make([]int32, n)}
	for v := int32(0); v < int32(n); v++ {
		if !start(v) || t.index[v] != 0 {
			continue
		}
		if path, loop := t.run(v); path != nil {
			prefix := g.treePath(v)
			if loop >= 0 {
				loop += len(prefix) - 1
			}
			return c.replayPath(append(prefix, path[1:]...), loop)
		}
	}
	return nil
}

// treePath is the BFS tree's path from an initial state to v, as edges (the first is the
// initial state, with its index in Init).
func (g *liveGraph[S, A]) treePath(v int32) []pathStep {
	var p []pathStep
	for ; v >= 0; v = g.parent[v] {
		p = append(p, pathStep{state: v, act: g.via[v]})
	}
	slices.Reverse(p)
	return p
}

// pathStep is a state of a path and the index, in its predecessor's action list, of the
// action that led to it.
type pathStep struct {
	state, act int32
}

// tarjan is an iterative Tarjan's strongly-connected-components search over the states of a
// region, looking for a stutter state or a fair component.
type tarjan[S, A any] struct {
	g        *liveGraph[S, A]
	region   func(int32) bool
	bad      func(int32) bool // a run must visit such a state again and again
	fairOnly bool             // cycles only through fair actions (the environment stops)
	index    []int32          // 1 + the visit order; 0 when not visited
	low      []int32
	comp     []int32 // 1 + the component's root once done, 0 while open
	stack    []int32
	counter  int32
}

// edgeIn reports whether edge j is one a violating run may take.
func (t *tarjan[S, A]) edgeIn(j int32) bool {
	return t.region(t.g.to[j]) && (!t.fairOnly || t.g.group[j] >= 0)
}

// run searches from v. It returns a path from v (first element v) and, for a lasso, the index
// in it of the state the path's last step returns to (-1 for a run that stops).
func (t *tarjan[S, A]) run(v int32) ([]pathStep, int) {
	type frame struct {
		v, next int32
		act     int32 // index of the action into v in its parent's list
	}
	g := t.g
	var dfs []frame
	push := func(v, act int32) {
		t.counter++
		t.index[v], t.low[v] = t.counter, t.counter
		t.stack = append(t.stack, v)
		dfs = append(dfs, frame{v: v, next: g.first[v], act: act})
	}
	path := func() []pathStep {
		p := make([]pathStep, len(dfs))
		for i, f := range dfs {
			p[i] = pathStep{state: f.v, act: f.act}
		}
		return p
	}
	push(v, -1)
	if g.enabled[v] == 0 && t.bad(v) {
		return path(), -1
	}
	for len(dfs) > 0 {
		f := &dfs[len(dfs)-1]
		if f.next < g.first[f.v+1] {
			j := f.next
			f.next++
			if !t.edgeIn(j) {
				continue
			}
			w := g.to[j]
			switch {
			case t.index[w] == 0:
				push(w, g.act[j])
				if g.enabled[w] == 0 && t.bad(w) {
					return path(), -1
				}
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
		if cycle := t.fairCycle(u); cycle != nil {
			p := append(path(), pathStep{state: u, act: f.act})
			return append(p, cycle...), len(p) - 1
		}
		t.stack = t.stack[:k]
	}
	return nil, -1
}

// fairCycle returns, for the component of root u just completed, a fair cycle from u back to
// u (without u itself at its start) that visits a bad state, or nil when there is none.
func (t *tarjan[S, A]) fairCycle(u int32) []pathStep {
	g := t.g
	inComp := func(w int32) bool { return t.comp[w] == u+1 }
	all, some, taken, anyBad, inner := ^uint64(0), uint64(0), uint64(0), false, false
	for k := len(t.stack) - 1; k >= 0 && inComp(t.stack[k]); k-- {
		w := t.stack[k]
		all &= g.enabled[w]
		some |= g.enabled[w]
		anyBad = anyBad || t.bad(w)
		for j := g.first[w]; j < g.first[w+1]; j++ {
			if t.edgeIn(j) && inComp(g.to[j]) {
				inner = true
				if g.group[j] >= 0 {
					taken |= 1 << g.group[j]
				}
			}
		}
	}
	if !inner || !anyBad || all&^taken != 0 {
		return nil
	}
	// Walk from u, meeting each requirement in turn by the shortest way: a bad state, then for
	// each fair group enabled somewhere in the component, a state where it is disabled or one of
	// its edges; then back to u. Whatever states the walk visits, every group it could find
	// enabled is then taken or seen disabled.
	var cycle []pathStep
	cur := u
	var seenTaken, seenDisabled uint64 = 0, ^g.enabled[u]
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
	if !t.bad(u) {
		met(t.shortest(cur, inComp, func(w int32) bool { return t.bad(w) }, nil))
	}
	for b := range len(g.groups) {
		need := uint64(1) << b
		if some&need == 0 || (seenTaken|seenDisabled)&need != 0 {
			continue
		}
		met(t.shortest(cur, inComp, func(w int32) bool { return g.enabled[w]&need == 0 }, func(j int32) bool { return g.group[j] == int8(b) }))
	}
	if cur != u || len(cycle) == 0 {
		met(t.shortestBack(cur, u, inComp))
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

// shortestBack returns a shortest path of at least one step inside the component from from to u.
func (t *tarjan[S, A]) shortestBack(from, u int32, in func(int32) bool) ([]pathStep, []int8) {
	return t.bfs(from, in, func(j int32) bool { return t.g.to[j] == u })
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

// replayPath rebuilds the concrete trace of a path from an initial state by re-running the model.
func (c *core[S, A]) replayPath(path []pathStep, loop int) *Trace[S, A] {
	inits := c.m.Init()
	tr := &Trace[S, A]{Init: inits[path[0].act]}
	s := tr.Init
	var acts []A
	for _, p := range path[1:] {
		acts = c.m.Actions(s, acts[:0])
		if int(p.act) >= len(acts) {
			c.err = fmt.Errorf("liveness: the model is not deterministic (an action list changed on replay)")
			return nil
		}
		a := acts[p.act]
		next, ok := c.m.Next(s, a)
		if !ok {
			c.err = fmt.Errorf("liveness: the model is not deterministic (an action was disabled on replay)")
			return nil
		}
		tr.Steps = append(tr.Steps, Step[S, A]{Action: a, State: next})
		s = next
	}
	if loop >= 0 {
		tr.Cycle, tr.CycleStart = true, loop
	}
	return tr
}

// hasSuccessor reports whether one of acts is enabled in s.
func hasSuccessor[S, A any](m Model[S, A], s S, acts []A) bool {
	for _, a := range acts {
		if _, ok := m.Next(s, a); ok {
			return true
		}
	}
	return false
}
