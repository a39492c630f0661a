package checker

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// procState is a state of a procModel: a shared value and each process's local state.
type procState struct {
	g     int
	local [3]int
}

// procAction is process p's choice c (p -1: the environment's).
type procAction struct{ p, c int }

// procModel is a random model of n interchangeable processes: each runs the same table of
// steps over its local state and the shared value, in a fair group of its own; the environment
// changes the shared value. Its temporal properties include one per process.
type procModel struct {
	n, locals, shared int
	step              [][][][2]int // by local state and shared value: the choices (local, shared)
	env               [][]int      // by shared value: the values the environment may set
	envFair           bool
	props             []Property[procState]
	inits             []procState
}

func newProcModel(seed uint64) *procModel {
	r := rand.New(rand.NewPCG(seed, 21))
	m := &procModel{n: 2 + r.IntN(2), locals: 3 + r.IntN(3), shared: 1 + r.IntN(2), envFair: r.IntN(3) == 0}
	m.step = make([][][][2]int, m.locals)
	for l := range m.step {
		m.step[l] = make([][][2]int, m.shared)
		for g := range m.step[l] {
			for range r.IntN(3) {
				m.step[l][g] = append(m.step[l][g], [2]int{r.IntN(m.locals), r.IntN(m.shared)})
			}
		}
	}
	m.env = make([][]int, m.shared)
	for g := range m.env {
		if r.IntN(3) == 0 {
			m.env[g] = append(m.env[g], r.IntN(m.shared))
		}
	}
	m.inits = []procState{{}}
	if r.IntN(2) == 0 { // and an initial state whose processes differ
		var s procState
		for i := range m.n {
			s.local[i] = r.IntN(m.locals)
		}
		m.inits = append(m.inits, s)
		s.local[0], s.local[1] = s.local[1], s.local[0] // and one of its orbit
		m.inits = append(m.inits, s)
	}
	goal, want := r.IntN(m.locals), r.IntN(m.shared)
	m.props = []Property[procState]{
		{Name: "each process leaves 0", Expect: LeadsTo, Per: m.n,
			HoldsPer: func(s procState, k int) bool { return s.local[k] == 0 }, ThenPer: func(s procState, k int) bool { return s.local[k] != 0 }},
		{Name: "eventually shared", Expect: Eventually, Holds: func(s procState) bool { return s.g == want }},
		{Name: "each process at goal infinitely often", Expect: AlwaysEventually, Per: m.n, HoldsPer: func(s procState, k int) bool { return s.local[k] == goal }},
		{Name: "someone reaches goal infinitely often", Expect: AlwaysEventually, Holds: func(s procState) bool { return slices.Contains(s.local[:m.n], goal) }},
		{Name: "nobody at goal eventually always", Expect: EventuallyAlways, Holds: func(s procState) bool { return !slices.Contains(s.local[:m.n], goal) }},
		{Name: "comes to rest", Expect: Quiesces},
	}
	return m
}

func (m *procModel) Init() []procState { return m.inits }
func (m *procModel) Actions(s procState, buf []procAction) []procAction {
	for p := range m.n {
		for c := range m.step[s.local[p]][s.g] {
			buf = append(buf, procAction{p, c})
		}
	}
	for c := range m.env[s.g] {
		buf = append(buf, procAction{-1, c})
	}
	return buf
}
func (m *procModel) Next(s procState, a procAction) (procState, bool) {
	if a.p < 0 {
		s.g = m.env[s.g][a.c]
		return s, true
	}
	to := m.step[s.local[a.p]][s.g][a.c]
	s.local[a.p], s.g = to[0], to[1]
	return s, true
}
func (m *procModel) Encode(buf []byte, s procState) []byte {
	buf = append(buf, byte(s.g))
	for _, l := range s.local[:m.n] {
		buf = append(buf, byte(l))
	}
	return buf
}
func (m *procModel) Properties() []Property[procState] { return m.props }
func (m *procModel) ActionGroup(a procAction) ActionGroup {
	if a.p < 0 {
		return ActionGroup{Name: "env", Fair: m.envFair, Environment: true}
	}
	return ActionGroup{Name: "p" + strconv.Itoa(a.p), Fair: true}
}
func (m *procModel) Representative(s procState) procState {
	rep, _ := m.RepresentativeOf(s, nil)
	return rep
}

// RepresentativeOf sorts the processes by local state (stably): process i goes to its place in
// that order.
func (m *procModel) RepresentativeOf(s procState, buf []int) (procState, []int) {
	order := make([]int, m.n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return s.local[a] - s.local[b] })
	p := buf[:0]
	for range m.n {
		p = append(p, 0)
	}
	out := procState{g: s.g}
	for j, i := range order {
		p[i] = j
		out.local[j] = s.local[i]
	}
	return out, p
}
func (m *procModel) RenameGroup(g ActionGroup, p []int) ActionGroup {
	if k, err := strconv.Atoi(g.Name[1:]); err == nil && g.Name[0] == 'p' {
		g.Name = "p" + strconv.Itoa(p[k])
	}
	return g
}
func (m *procModel) RenameInstance(property string, k int, p []int) int { return p[k] }

// Interchangeable: processes in the same local state may be exchanged.
func (m *procModel) Interchangeable(s procState, buf []int) []int {
	out := buf[:0]
	for i := range m.n {
		out = append(out, i)
		for j := range i {
			if s.local[j] == s.local[i] {
				out[i] = out[j]
				break
			}
		}
	}
	return out
}

// Under symmetry the liveness pass decides on the product of the recorded quotient, without
// exploring again, every verdict the search without symmetry decides on the whole graph: on
// 300 random models of 2 or 3 interchangeable processes, whose fairness groups and property
// instances are per process, each temporal property checked alone, on 1 and 2 workers (the
// traces' validity is the oracle's: TestSoundnessProcessSymmetry).
func TestQuotientLiveness(t *testing.T) {
	violated, held, smaller := 0, 0, 0
	for seed := uint64(1); seed <= 300; seed++ {
		for prop := range newProcModel(seed).props {
			m := newProcModel(seed)
			m.props = m.props[prop : prop+1]
			name := fmt.Sprintf("seed%d/%s", seed, m.props[0].Name)
			plain, err := Check(context.Background(), Model[procState, procAction](m), Options{Workers: 1, KeepGoing: true})
			if err != nil || !plain.Complete {
				t.Fatalf("%s: %v, complete %v", name, err, plain.Complete)
			}
			for _, workers := range []int{1, 2} {
				sym, err := Check(context.Background(), Model[procState, procAction](m), Options{Workers: workers, KeepGoing: true, Symmetry: true})
				if err != nil || !sym.Complete {
					t.Fatalf("%s: %v, complete %v", name, err, sym.Complete)
				}
				p, q := plain.Properties[0], sym.Properties[0]
				if p.Status != q.Status || (p.Trace == nil) != (q.Trace == nil) {
					t.Errorf("%s, %d workers: %v under symmetry, %v without", name, workers, q.Status, p.Status)
				}
				if sym.LiveExplored != 0 {
					t.Errorf("%s, %d workers: the pass explored %d states", name, workers, sym.LiveExplored)
				}
				if workers > 1 {
					continue
				}
				if q.Status == Violated {
					violated++
				} else {
					held++
				}
				if sym.Unique < plain.Unique {
					smaller++
				}
			}
		}
	}
	if violated < 300 || held < 300 || smaller < 500 {
		t.Fatalf("%d checks violated, %d held, %d with fewer states: too few", violated, held, smaller)
	}
}

// Permute returns p·s: process i of s is process p[i] of the result.
func (m *procModel) Permute(s procState, p []int) procState {
	out := procState{g: s.g}
	for i := range m.n {
		out.local[p[i]] = s.local[i]
	}
	return out
}

// The product graph is the concrete graph, node by node: on random process models, every node
// (O, μ) stands for the concrete state μ·x_O, whose conditions it carries (instances renamed),
// and whose steps it has, each to the node of the concrete successor and in the concrete
// step's group; stuttering steps are left out, and the initial nodes are the initial states.
func TestQuotientProductIsConcrete(t *testing.T) {
	for seed := uint64(1); seed <= 200; seed++ {
		m := newProcModel(seed)
		var mm Model[procState, procAction] = m
		run, err := newRun(mm, Options{Workers: 1, Symmetry: true, KeepGoing: true}, 1)
		if err != nil {
			t.Fatal(err)
		}
		for !run.Step(context.Background(), 1<<30) {
		}
		c := run.c
		if c.record == nil || c.record.skipped() {
			t.Fatalf("seed %d: no complete record", seed)
		}
		checks := liveChecks(c.props)
		g, nodes, err := c.product(checks, 0)
		if err != nil || g == nil {
			t.Fatalf("seed %d: %v", seed, err)
		}
		// The representatives by fingerprint: every state of the model, canonicalised.
		reps := map[uint64]procState{}
		var all func(s procState, i int)
		all = func(s procState, i int) {
			if i == m.n {
				for s.g = 0; s.g < m.shared; s.g++ {
					rep, _ := m.RepresentativeOf(s, nil)
					reps[fingerprint(m.Encode(nil, rep))] = rep
				}
				return
			}
			for l := range m.locals {
				s.local[i] = l
				all(s, i+1)
			}
		}
		all(procState{}, 0)
		concrete := func(v int32) procState {
			x := nodes[v]
			e := c.record.states[x.k]
			rho := c.perms.perm(e.perm, m.n)
			inv := make([]int, m.n)
			for i, j := range rho {
				inv[j] = i
			}
			return m.Permute(m.Permute(reps[e.fp], inv), c.perms.perm(x.mu, m.n))
		}
		name := fmt.Sprintf("seed %d", seed)
		for i, v := range g.inits {
			if got := concrete(int32(i)); got != m.Init()[v] {
				t.Errorf("%s: initial node %d is %v, not %v", name, i, got, m.Init()[v])
			}
		}
		for _, s := range m.Init() {
			found := false
			for i := range g.inits {
				found = found || concrete(int32(i)) == s
			}
			if !found {
				t.Errorf("%s: no initial node stands for the initial state %v", name, s)
			}
		}
		groupBit := map[string]int8{}
		for b, name := range g.groups {
			groupBit[name] = int8(b)
		}
		for v := range g.n {
			s := concrete(v)
			for u, ch := range checks {
				holds, then := evalCheck(ch, c.props[ch.prop], s)
				if g.bit(v, 2*u) != holds || g.bit(v, 2*u+1) != then {
					t.Errorf("%s: node %d (%v), check %d: labels %v %v, want %v %v", name, v, s, u, g.bit(v, 2*u), g.bit(v, 2*u+1), holds, then)
				}
			}
			type step struct {
				to    procState
				group int8
			}
			var want, got []step
			var enabled uint64
			for _, a := range m.Actions(s, nil) {
				next, _ := m.Next(s, a)
				if next == s {
					continue
				}
				grp := m.ActionGroup(a)
				b := int8(-1)
				if grp.Fair {
					b = groupBit[grp.Name]
					enabled |= 1 << b
				}
				want = append(want, step{next, b})
			}
			for j := g.first[v]; j < g.first[v+1]; j++ {
				got = append(got, step{concrete(g.to[j]), g.group[j]})
			}
			less := func(a, b step) int {
				if a.to != b.to {
					return cmpState(a.to, b.to)
				}
				return int(a.group) - int(b.group)
			}
			slices.SortFunc(want, less)
			slices.SortFunc(got, less)
			if !slices.Equal(want, got) || g.enabled[v] != enabled {
				t.Errorf("%s: node %d (%v): steps %v enabling %b, want %v enabling %b", name, v, s, got, g.enabled[v], want, enabled)
			}
		}
	}
}

func cmpState(a, b procState) int {
	if a.g != b.g {
		return a.g - b.g
	}
	return slices.Compare(a.local[:], b.local[:])
}

// covState is a state of covModel: an environment's counter and two processes' sessions.
type covState struct {
	g    int
	sess [2]int
}

// covModel has two interchangeable processes, each of which moves its session forward once: a
// step the state it leaves covers (Covering), so the search skips it; the environment counts
// to 5, unfairly. Its one property holds on every fair run: the processes, weakly fair, both
// move eventually.
type covModel struct{}

func (covModel) Init() []covState { return []covState{{}} }
func (covModel) Actions(s covState, buf []int) []int {
	for p := range 2 {
		if s.sess[p] == 0 {
			buf = append(buf, p)
		}
	}
	if s.g < 5 {
		buf = append(buf, -1)
	}
	return buf
}
func (covModel) Next(s covState, p int) (covState, bool) {
	if p < 0 {
		s.g++
	} else {
		s.sess[p] = 1
	}
	return s, true
}
func (covModel) Encode(buf []byte, s covState) []byte {
	return append(buf, byte(s.g), byte(s.sess[0]), byte(s.sess[1]))
}
func (covModel) ActionGroup(p int) ActionGroup {
	if p < 0 {
		return ActionGroup{Name: "env", Environment: true}
	}
	return ActionGroup{Name: "p" + strconv.Itoa(p), Fair: true}
}
func (covModel) Properties() []Property[covState] {
	return []Property[covState]{{Name: "both sessions forward, again and again", Expect: AlwaysEventually,
		Holds: func(s covState) bool { return s.sess == [2]int{1, 1} }}}
}

// Covered: next is s with sessions moved forward (a simulation; no property is Always or
// Sometimes).
func (covModel) Covered(s, next covState) bool {
	return s.g == next.g && next.sess[0] >= s.sess[0] && next.sess[1] >= s.sess[1]
}
func (m covModel) Representative(s covState) covState {
	rep, _ := m.RepresentativeOf(s, nil)
	return rep
}
func (covModel) RepresentativeOf(s covState, buf []int) (covState, []int) {
	p := append(buf[:0], 0, 1)
	if s.sess[0] > s.sess[1] {
		s.sess[0], s.sess[1], p[0], p[1] = s.sess[1], s.sess[0], 1, 0
	}
	return s, p
}
func (covModel) RenameGroup(g ActionGroup, p []int) ActionGroup {
	if k, err := strconv.Atoi(g.Name[1:]); err == nil && g.Name[0] == 'p' {
		g.Name = "p" + strconv.Itoa(p[k])
	}
	return g
}
func (covModel) RenameInstance(string, int, []int) int { return 0 }
func (covModel) Permute(s covState, p []int) covState {
	out := covState{g: s.g}
	for i := range 2 {
		out.sess[p[i]] = s.sess[i]
	}
	return out
}

// A bounded search under symmetry and the reduction decides on the product of a record that
// lacks the skipped steps: their groups are enabled where they were skipped, so no run stops
// or cycles unfairly there. Without them the initial state, whose only fair steps are skipped,
// was taken for a state where a run may stop: a violation that is not one.
func TestQuotientBoundedSkippedSteps(t *testing.T) {
	var m Model[covState, int] = covModel{}
	for _, o := range []Options{{Workers: 1}, {Workers: 1, Symmetry: true}, {Workers: 1, MaxDepth: 3, Symmetry: true}, {Workers: 2, MaxStates: 3, Symmetry: true}} {
		r, err := Check(context.Background(), m, o)
		want := Unknown
		if r.Complete {
			want = Holds
		}
		if err != nil || r.Properties[0].Status != want {
			t.Errorf("%+v: %v (stopped %v), want %v", o, r.Properties[0].Status, r.Stopped, want)
		}
	}
}

// A product that grows past its bound is abandoned for the concrete graph, with the same
// verdicts: with the bound lowered to one node per orbit, every check of the random process
// models whose product is larger explores again.
func TestQuotientTooLarge(t *testing.T) {
	defer func(f, floor int) { productFactor, productFloor = f, floor }(productFactor, productFloor)
	productFactor, productFloor = 1, 0
	again := 0
	for seed := uint64(1); seed <= 100; seed++ {
		m := newProcModel(seed)
		plain, _ := Check(context.Background(), Model[procState, procAction](m), Options{Workers: 1, KeepGoing: true})
		sym, err := Check(context.Background(), Model[procState, procAction](m), Options{Workers: 1, KeepGoing: true, Symmetry: true})
		if err != nil || !sym.Complete {
			t.Fatalf("seed %d: %v, complete %v", seed, err, sym.Complete)
		}
		for i, p := range plain.Properties {
			if q := sym.Properties[i]; p.Status != q.Status {
				t.Errorf("seed %d: %q %v under symmetry, %v without", seed, p.Name, q.Status, p.Status)
			}
		}
		if sym.LiveExplored > 0 {
			again++
		}
	}
	if again < 50 {
		t.Fatalf("only %d of 100 checks explored again", again)
	}
}
