package checker

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// The liveness pass after a BFS under symmetry, on the graph the search recorded one state per
// orbit (the quotient), for a model with a process symmetry (ProcessSymmetry).
//
// The quotient alone cannot decide the temporal properties: its states merge concrete states
// whose fairness groups and property instances differ (node-1's kubelet in one is node-2's in
// the other). So the search records, with each expanded state x_O (the member of orbit O it
// kept and expanded), the permutation ρ_O with ρ_O·x_O the representative, and with each step
// x_O → n the permutation σ_n with σ_n·n the representative of n's orbit O'. Then
// n = ν·x_O' with ν = σ_n⁻¹∘ρ_O' (both send their state to the same representative).
//
// The product graph has a node (O, μ) for the concrete state μ·x_O. Its steps are those of
// x_O renamed by μ: the step x_O → n = ν·x_O' becomes μ·x_O → μ∘ν·x_O', the node (O', μ∘ν),
// in the group RenameGroup(g, μ); an instance k of a property holds at (O, μ) when instance
// RenameInstance(k, μ⁻¹) holds at x_O (the record's labels). The initial nodes are (O, π⁻¹∘ρ_O)
// for each initial state s, with π·s its representative.
//
// Why it decides as the concrete graph does: mapping (O, μ) to the concrete state μ·x_O maps
// every product step to a concrete step between the mapped states, with the same group and the
// same conditions (the renaming is a symmetry: ProcessSymmetry's contract), and every concrete
// step from a mapped state is the image of a product step (the renaming is a bijection on a
// state's steps, and the record holds every step of x_O: the search skipped none). The initial
// nodes map onto the initial states. So every path of one is a path of the other with the same
// labels, groups and enabled groups, and a fair run violating a check exists in one exactly
// when it does in the other (both graphs are finite: a fair run is a path into a fair
// component or a stop, which a path of the other reaches too). A concrete state may have
// several nodes (when a permutation fixes x_O); they behave alike. A model that is
// Interchangeable says which processes of x_O may be exchanged without changing it: the nodes
// (O, μ) and (O, μ∘σ), σ exchanging such processes, stand for the same state μ·x_O, and the
// product keeps one (μ normalised within the classes). A step that changes nothing
// (n = x_O, stuttering) is left out as the concrete graph leaves it out: the search marks it
// (stutterPerm) when σ_n = ρ_O (RepresentativeOf is a function of the state, so this is the
// case that occurs), or, as a safeguard, when the two states encode alike.
//
// That argument needs every step of every x_O. A complete search whose reduction skipped steps
// (Covering) does not have them: the pass then explores the concrete graph again. A bounded
// search's product has the nodes of the orbits it did not expand without edges, and the groups
// of the steps a reduction skipped (renamed by μ) enabled where they were skipped, without
// edges, as the record of a bounded search without symmetry has them: every product step is
// still a concrete step and every enabled group is enabled, so a fair cycle or stop found on
// it is real; its absence proves nothing.
//
// A path of the product is lifted to a concrete trace (liftPath) with the model's Permute: from
// the concrete state c = μ·x_O of a node, x_O = μ⁻¹·c; the recorded step of x_O (its index
// among x_O's enabled steps) leads to n, and the concrete successor is μ·n, reached from c by
// the step that leads there (in the renamed group, if several do). A cycle of the product
// returns to the same node, hence to the same concrete state: a lasso. Shortest ways in have
// the concrete graph's lengths (every concrete path lifts to a product path of its length); a
// cycle may be longer than a concrete one, where a permutation fixes a state on it.

// productFactor and productFloor bound the product: at most productFactor nodes per orbit,
// beyond productFloor nodes (liveVerdicts then explores the concrete graph; tests lower them).
var productFactor, productFloor = 8, 1 << 16

// errProductTooLarge says the product passed its bound, or its permutations overflowed.
var errProductTooLarge = errors.New("liveness: the product of the quotient is too large")

// stutterPerm marks a recorded step that changes nothing (see expanded).
const stutterPerm = -1

// maxPerms bounds the permutations numbered (int16, and the product's size).
const maxPerms = 1 << 14

// permTable numbers permutations, the identity 0 (safe for concurrent use).
type permTable struct {
	mu       sync.RWMutex
	ids      map[string]int16
	list     [][]int
	size     atomic.Int32       // the processes: the length of the permutations
	overflow bool               // more than maxPerms were met: the product is not built
	compose  map[[2]int16]int16 // by the product builder only
	inverse  map[int16]int16    // likewise
}

func newPermTable() *permTable {
	return &permTable{ids: map[string]int16{}, compose: map[[2]int16]int16{}, inverse: map[int16]int16{}}
}

// id returns p's number (numbering it if it is new), or 0 once the table overflowed.
func (t *permTable) id(p []int) int16 {
	if t.size.Load() == 0 {
		t.size.Store(int32(len(p)))
	}
	identity := true
	for i, x := range p {
		if x != i {
			identity = false
			break
		}
	}
	if identity {
		return 0
	}
	var small [32]byte
	key := permKey(small[:0], p)
	t.mu.RLock()
	id, ok := t.ids[string(key)]
	t.mu.RUnlock()
	if ok {
		return id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if id, ok := t.ids[string(key)]; ok {
		return id
	}
	if len(t.list) == 0 {
		t.list = append(t.list, nil) // the identity, whatever its length
	}
	if len(t.list) >= maxPerms {
		t.overflow = true
		return 0
	}
	id = int16(len(t.list))
	t.list = append(t.list, slices.Clone(p))
	t.ids[string(key)] = id
	return id
}

// permKey writes p as a map key.
func permKey(buf []byte, p []int) []byte {
	for _, x := range p {
		buf = append(buf, byte(x), byte(x>>8))
	}
	return buf
}

// perm returns permutation id over n processes.
func (t *permTable) perm(id int16, n int) []int {
	if id == 0 {
		p := make([]int, n)
		for i := range p {
			p[i] = i
		}
		return p
	}
	return t.list[id]
}

// compose returns the number of a∘b (process i goes to a[b[i]]) over n processes.
func (t *permTable) composed(a, b int16, n int) int16 {
	switch {
	case a == 0:
		return b
	case b == 0:
		return a
	}
	return cached(t.compose, [2]int16{a, b}, func() int16 {
		pa, pb := t.perm(a, n), t.perm(b, n)
		out := make([]int, n)
		for i := range out {
			out[i] = pa[pb[i]]
		}
		return t.id(out)
	})
}

// inverted returns the number of a's inverse over n processes.
func (t *permTable) inverted(a int16, n int) int16 {
	if a == 0 {
		return 0
	}
	return cached(t.inverse, a, func() int16 {
		out := make([]int, n)
		for i, x := range t.perm(a, n) {
			out[x] = i
		}
		return t.id(out)
	})
}

// sameState reports whether a and b encode alike (own caches a's encoding).
func (c *core[S, A]) sameState(sc *scratch[S, A], own *[]byte, a, b S) bool {
	if *own == nil {
		*own = c.m.Encode(nil, a)
	}
	sc.enc = c.m.Encode(sc.enc[:0], b)
	return string(sc.enc) == string(*own)
}

// productNode is a node of the product: an orbit's record (its index in the liveRecord, -1 for
// an orbit not expanded) and a permutation μ (its number in the permTable).
type productNode struct {
	k  int32
	mu int16
}

// product builds the product graph (above) of the quotient the BFS recorded, of its first
// limit expanded orbits (0: all; the others' nodes are left unexpanded, as are those of
// orbits it met but did not expand), and returns its nodes by number. It returns
// errProductTooLarge when it cannot (past its bound, or a permutation table that overflowed),
// and nil when the time runs out or the search's context ends (which then stops the check).
func (c *core[S, A]) product(checks []liveCheck, limit int64) (*liveGraph[S, A], []productNode, error) {
	r, t := c.record, c.perms
	if t.overflow {
		return nil, nil, errProductTooLarge
	}
	n := int(t.size.Load())
	expanded := int64(len(r.states))
	if limit > 0 {
		expanded = min(expanded, limit)
	}
	orbit := make(map[uint64]int32, expanded)
	for k := range expanded {
		orbit[r.states[k].fp] = int32(k)
	}
	lb := newLiveBuilder[S](checks, c.groups, 0)
	g := lb.g
	// Room for a node per orbit and its edges, which the product has at least.
	edges := 0
	for k := range expanded {
		edges += len(r.states[k].succ)
	}
	g.label, g.unexpanded = make([]uint64, 0, int(expanded)*g.words), make([]bool, 0, expanded)
	g.first, g.enabled = make([]int32, 0, expanded+1), make([]uint64, 0, expanded)
	g.to, g.act, g.group, g.env = make([]int32, 0, edges), make([]int32, 0, edges), make([]int8, 0, edges), make([]bool, 0, edges)
	// normal is the least of the permutations that differ from mu only within the classes of
	// interchangeable processes of an orbit's x_O (Interchangeable): they stand for one
	// concrete state.
	type normalKey struct{ mu, classes int16 }
	normals := map[normalKey]int16{}
	normal := func(mu, classes int16) int16 {
		if classes == 0 {
			return mu
		}
		return cached(normals, normalKey{mu, classes}, func() int16 {
			return t.id(normalised(t.perm(mu, n), c.classes.perm(classes, n)))
		})
	}
	// Nodes are numbered as met, breadth first; an orbit not expanded has one node, with no
	// edges (k -1), whatever the permutation.
	type node = productNode
	ids := map[node]int32{}
	open := map[uint64]int32{}
	var queue []node
	add := func(x node) int32 {
		id := g.n
		g.n++
		queue = append(queue, x)
		g.label = append(g.label, make([]uint64, g.words)...)
		g.unexpanded = append(g.unexpanded, x.k < 0)
		return id
	}
	discover := func(fp uint64, mu int16) int32 {
		k, ok := orbit[fp]
		if !ok {
			if id, ok := open[fp]; ok {
				return id
			}
			id := add(node{k: -1})
			open[fp] = id
			return id
		}
		x := node{k, normal(mu, r.states[k].classes)}
		if id, ok := ids[x]; ok {
			return id
		}
		id := add(x)
		ids[x] = id
		return id
	}
	// mu is the permutation of a node of the orbit of record k, for a state whose own
	// permutation to the representative is p: (p⁻¹∘ρ_k, above).
	mu := func(p, k int32) int16 {
		if k < 0 {
			return 0
		}
		return t.composed(t.inverted(int16(p), n), r.states[k].perm, n)
	}
	var sc scratch[S, A]
	for i, s := range c.m.Init() {
		rep, p := c.sym.RepresentativeOf(s, sc.perm[:0])
		sc.perm = p
		sc.enc = c.m.Encode(sc.enc[:0], rep)
		fp := fingerprint(sc.enc)
		k, ok := orbit[fp]
		if !ok {
			k = -1
		}
		if discover(fp, mu(int32(t.id(p)), k)) == int32(len(g.inits)) {
			g.inits = append(g.inits, int32(i))
		}
	}
	// Per permutation μ, each check's source in the record's labels (the instance renamed by
	// μ⁻¹), and the renamed groups.
	instances := checkIndex(checks)
	sources := map[int16][]int{}
	source := func(mu int16) []int {
		if src, ok := sources[mu]; ok {
			return src
		}
		var inv []int
		if mu != 0 {
			inv = t.perm(t.inverted(mu, n), n)
		}
		src := make([]int, len(checks))
		for u, ch := range checks {
			src[u] = u
			if ch.instance >= 0 && mu != 0 {
				j := c.sym.RenameInstance(c.props[ch.prop].Name, ch.instance, inv)
				v, ok := instances[[2]int{ch.prop, j}]
				if !ok {
					return nil
				}
				src[u] = v
			}
		}
		sources[mu] = src
		return src
	}
	type renamed struct{ mu, group int16 }
	groups := map[renamed]int16{}
	groupOf := func(mu, group int16) int16 {
		if mu == 0 {
			return group
		}
		return cached(groups, renamed{mu, group}, func() int16 {
			return c.groups.ofGroup(c.sym.RenameGroup(c.groups.group(group), t.perm(mu, n)))
		})
	}
	// The product is abandoned for the concrete graph when it grows past a multiple of the
	// orbits: many permutations fix the states (interchangeable replicas whose local states
	// differ but not in what tells them apart), and the concrete graph is then the smaller.
	limitNodes := productFactor*int(expanded) + productFloor
	every := c.opts.ProgressEvery
	if every <= 0 {
		every = time.Second
	}
	reported := time.Now()
	for v := int32(0); int(v) < len(queue); v++ {
		if len(queue) > limitNodes {
			return nil, nil, errProductTooLarge
		}
		x := queue[v]
		if x.k < 0 {
			g.first = append(g.first, int32(len(g.to)))
			g.enabled = append(g.enabled, 0)
			continue
		}
		if v%4096 == 0 {
			if c.opts.Progress != nil && time.Since(reported) >= every {
				p := c.progress(c.depth, 0)
				p.Liveness = max(int64(v), 1)
				c.opts.Progress(p)
				reported = time.Now()
			}
			if st := c.outOfBudget(); st != Exhausted {
				c.stopFor(st)
				return nil, nil, nil
			}
			if c.ctx != nil && c.ctx.Err() != nil {
				c.stopFor(StopInterrupted)
				return nil, nil, nil
			}
		}
		e := &r.states[x.k]
		src := source(x.mu)
		if src == nil {
			return nil, nil, fmt.Errorf("liveness: a renamed property instance is out of range")
		}
		label := g.label[int(v)*g.words : int(v+1)*g.words]
		for u, from := range src {
			for b := range 2 {
				if r.labels[int(x.k)*r.words+(2*from+b)/64]&(1<<((2*from+b)%64)) != 0 {
					label[(2*u+b)/64] |= 1 << ((2*u + b) % 64)
				}
			}
		}
		g.expanded++
		g.first = append(g.first, int32(len(g.to)))
		var en uint64
		for _, grp := range e.covered { // steps a reduction skipped: enabled, edges unknown
			b, err := lb.bitOf(groupOf(x.mu, grp))
			if err != nil {
				return nil, nil, err
			}
			if b >= 0 {
				en |= 1 << b
			}
		}
		for _, s := range e.succ {
			if s.perm == stutterPerm {
				continue
			}
			k, ok := orbit[s.fp]
			var w int32
			if ok {
				w = discover(s.fp, t.composed(x.mu, mu(int32(s.perm), k), n))
			} else {
				w = discover(s.fp, 0)
			}
			if t.overflow {
				return nil, nil, errProductTooLarge
			}
			grp := groupOf(x.mu, s.group)
			b, err := lb.bitOf(grp)
			if err != nil {
				return nil, nil, err
			}
			if b >= 0 {
				en |= 1 << b
			}
			g.act = append(g.act, s.act)
			g.to = append(g.to, w)
			g.group = append(g.group, b)
			g.env = append(g.env, c.groups.group(grp).Environment)
		}
		g.enabled = append(g.enabled, en)
	}
	return lb.done(), queue, nil
}

// checkIndex maps each (property, instance) of the checks to its check's index.
func checkIndex(checks []liveCheck) map[[2]int]int {
	m := make(map[[2]int]int, len(checks))
	for u, ch := range checks {
		m[[2]int{ch.prop, ch.instance}] = u
	}
	return m
}

// liftPath rebuilds the concrete trace of a path of the product (see above); loop, if not
// negative, is where its cycle starts.
func (c *core[S, A]) liftPath(nodes []productNode, path []pathStep, loop int) *Trace[S, A] {
	t, n := c.perms, int(c.perms.size.Load())
	cur := c.m.Init()[path[0].act]
	tr := &Trace[S, A]{Init: cur, Cycle: loop >= 0, CycleStart: max(loop, 0)}
	var buf []byte
	encode := func(s S) string {
		buf = c.m.Encode(buf[:0], s)
		return string(buf)
	}
	for i := 1; i < len(path); i++ {
		x := nodes[path[i-1].state]
		mu := t.perm(x.mu, n)
		xo := c.sym.Permute(cur, t.perm(t.inverted(x.mu, n), n))
		steps := Enabled(c.m, xo)
		if int(path[i].act) >= len(steps) {
			c.err = fmt.Errorf("liveness: the model's renaming is not a symmetry: a recorded step is missing")
			return nil
		}
		st := steps[path[i].act]
		want, group := encode(c.sym.Permute(st.State, mu)), c.groups.ofGroup(c.sym.RenameGroup(c.groups.group(c.groups.of(st.Action)), mu))
		var next *Step[S, A]
		for _, s := range Enabled(c.m, cur) {
			if encode(s.State) == want && (next == nil || c.groups.of(s.Action) == group) {
				next = &s
				if c.groups.of(s.Action) == group {
					break
				}
			}
		}
		if next == nil {
			c.err = fmt.Errorf("liveness: the model's renaming is not a symmetry: a renamed step is not a step")
			return nil
		}
		tr.Steps = append(tr.Steps, *next)
		cur = next.State
	}
	if tr.Cycle {
		start := tr.Init
		if loop > 0 {
			start = tr.Steps[loop-1].State
		}
		if encode(start) != encode(cur) {
			c.err = fmt.Errorf("liveness: the model's renaming is not a symmetry: a lifted cycle does not close")
			return nil
		}
	}
	return tr
}

// normalised returns, of the permutations that differ from p only within the classes of
// interchangeable processes (class[i] the least process of i's class), the least: p's images of
// each class, sorted, given to its processes in order.
func normalised(p, class []int) []int {
	p = slices.Clone(p)
	for i, ci := range class {
		if ci != i {
			continue // i is a class's least process: gather the class
		}
		var members, images []int
		for j := i; j < len(class); j++ {
			if class[j] == i {
				members, images = append(members, j), append(images, p[j])
			}
		}
		slices.Sort(images)
		for x, j := range members {
			p[j] = images[x]
		}
	}
	return p
}

// cached returns m[key], made by build and kept the first time.
func cached[K comparable, V any](m map[K]V, key K, build func() V) V {
	if v, ok := m[key]; ok {
		return v
	}
	v := build()
	m[key] = v
	return v
}
