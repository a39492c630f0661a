package checker

import (
	"context"
	"fmt"
	"math/bits"
	"runtime/metrics"
	"sync/atomic"
	"time"
)

// core holds what every strategy shares: the model, its properties and their verdicts, the
// visited-state table, and the successor and property evaluation every strategy calls.
type core[S, A any] struct {
	m     Model[S, A]
	opts  Options
	props []Property[S]
	// Property indexes by expectation, as bit masks.
	always, sometimes, eventually uint64
	// active is the mask of properties still to decide; it changes only between BFS levels (or
	// at once in DFS and simulation), so that every worker of a level judges the same ones.
	active uint64
	found  []*found[S, A]
	table  *table
	graph  *graphRecorder[S, A]
	canon  func(S) S // the representative of a state's orbit, under Options.Symmetry
	// sym, under Options.Symmetry, BFS and a liveness pass, is the model's process symmetry:
	// the search records each successor's permutation, for the liveness pass (quotient.go).
	sym   ProcessSymmetry[S]
	perms *permTable
	// encoded, under Options.Symmetry, is the model's representative with its encoding, when
	// it has one (EncodedSymmetric).
	encoded EncodedSymmetric[S]
	// classes, with a model that is Interchangeable, numbers the recorded states' classes of
	// interchangeable processes (quotient.go).
	classes   *permTable
	classesOf func(s S, buf []int) []int
	cover     func(s, next S) bool // Covering.Covered, unless Options.NoReduction
	coverStep func(s S, a A) bool  // StepCovering.CoveredStep, unless Options.NoReduction

	start     time.Time
	deadline  time.Time
	generated atomic.Int64
	depth     int           // deepest level or path length seen, initial states at 1
	halt      atomic.Uint32 // the Stop that ended the search early (set once; any goroutine)
	// memoryNext is when memoryUp next reads the runtime's metrics (nanoseconds since start),
	// memoryCalls how often it was asked, and overMemory whether a read found more than
	// MaxMemory.
	memoryNext  atomic.Int64
	memoryCalls atomic.Int64
	overMemory  atomic.Bool
	depthCut    bool              // a state at the depth bound had successors (set by one goroutine)
	ctx         context.Context   // the context of the latest step, for the liveness pass
	err         error             // a model error found while rebuilding a trace
	liveBytes   int64             // memory of the liveness pass's graph
	explored    int64             // states the liveness pass explored (buildLive)
	record      *liveRecord[S, A] // the graph as BFS explores it, for the temporal properties
	groups      *groupTable[A]    // the model's action groups, numbered
}

// found is a decided property: its verdict and the trace that shows it.
type found[S, A any] struct {
	status Status
	trace  *Trace[S, A]
}

// scratch is per-worker reusable memory.
type scratch[S, A any] struct {
	acts    []A
	enc     []byte
	steps   []Step[S, A]
	index   []int32 // successors: each kept step's index among the enabled ones (see indexOf)
	covered []A     // successors: the actions of the covered steps
	perm    []int   // fingerprint under c.sym: the permutation to the representative
	permID  int16   // and its number in c.perms
}

func newCore[S, A any](m Model[S, A], opts Options, parents bool, workers int) (*core[S, A], error) {
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	c := &core[S, A]{m: m, opts: opts, table: newTable(parents, workers), start: time.Now()}
	if opts.Symmetry {
		// A model without a symmetry has orbits of one state: the plain search.
		if sym, ok := m.(Symmetric[S]); ok {
			c.canon = sym.Representative
		}
		if r, ok := m.(SymmetryReporter); ok && !r.HasSymmetry() {
			c.canon = nil
		}
	}
	if p, ok := m.(Propertied[S]); ok {
		c.props = p.Properties()
	}
	if cv, ok := m.(Covering[S]); ok && !opts.NoReduction {
		c.cover = cv.Covered
	}
	if cv, ok := m.(StepCovering[S, A]); ok && !opts.NoReduction {
		c.coverStep = cv.CoveredStep
		if st, ok := m.(CoveringStarter); ok {
			st.StartCovering()
		}
	}
	if len(c.props) > 64 {
		return nil, fmt.Errorf("a model may declare at most 64 properties, not %d", len(c.props))
	}
	for i, p := range c.props {
		if p.Per > 0 && (p.Expect == Always || p.Expect == Sometimes || p.Expect == Eventually) {
			return nil, fmt.Errorf("property %q: only a temporal property decided after the search can have instances", p.Name)
		}
		if p.Per > 0 && (p.HoldsPer == nil || p.Expect == LeadsTo && p.ThenPer == nil) {
			return nil, fmt.Errorf("property %q has %d instances but no condition for them", p.Name, p.Per)
		}
		if p.Holds == nil && p.Per == 0 && p.Expect != Quiesces {
			return nil, fmt.Errorf("property %q has no condition", p.Name)
		}
		bit := uint64(1) << i
		switch p.Expect {
		case Always:
			c.always |= bit
		case Sometimes:
			c.sometimes |= bit
		case Eventually:
			c.eventually |= bit
		case AlwaysEventually, EventuallyAlways, Quiesces:
		case LeadsTo:
			if p.Then == nil && p.Per == 0 {
				return nil, fmt.Errorf("property %q leads to nothing (no Then)", p.Name)
			}
		default:
			return nil, fmt.Errorf("property %q has an unknown expectation", p.Name)
		}
	}
	c.active = c.always | c.sometimes | c.eventually
	// BFS records the graph for the temporal properties as it goes, sparing the liveness pass a
	// second exploration; under symmetry, which merges states whose fairness differs, only
	// with the permutations that tell the states of an orbit apart (ProcessSymmetry).
	c.groups = newGroupTable(m)
	if checks := liveChecks(c.props); len(checks) > 0 && opts.Strategy == BFS && !opts.NoLiveness {
		if ps, ok := m.(ProcessSymmetry[S]); ok && c.canon != nil {
			c.sym, c.perms = ps, newPermTable()
			if x, ok := m.(Interchangeable[S]); ok {
				c.classes, c.classesOf = newPermTable(), x.Interchangeable
			}
		}
		if c.canon == nil || c.sym != nil {
			c.record = &liveRecord[S, A]{checks: checks, words: labelWords(checks)}
		}
	}
	if e, ok := m.(EncodedSymmetric[S]); ok && c.canon != nil {
		c.encoded = e
	}
	c.found = make([]*found[S, A], len(c.props))
	if opts.Timeout > 0 {
		c.deadline = c.start.Add(opts.Timeout)
	}
	if opts.GraphLimit > 0 {
		c.graph = newGraphRecorder(m, opts.GraphLimit)
	}
	return c, nil
}

// fingerprint returns s's fingerprint, using sc's buffer.
func (c *core[S, A]) fingerprint(sc *scratch[S, A], s S) uint64 {
	switch {
	case c.encoded != nil:
		var ok bool
		s, sc.perm, sc.enc, ok = c.encoded.RepresentativeEncoded(s, sc.perm[:0], sc.enc[:0])
		if c.sym != nil {
			sc.permID = c.perms.id(sc.perm)
		}
		if ok {
			return fingerprint(sc.enc)
		}
	case c.sym != nil:
		s, sc.perm = c.sym.RepresentativeOf(s, sc.perm[:0])
		sc.permID = c.perms.id(sc.perm)
	case c.canon != nil:
		s = c.canon(s)
	}
	sc.enc = c.m.Encode(sc.enc[:0], s)
	return fingerprint(sc.enc)
}

// held returns the mask of active properties whose condition is true in s.
func (c *core[S, A]) held(s S) uint64 {
	var h uint64
	for rest := c.active; rest != 0; rest &= rest - 1 {
		i := bits.TrailingZeros64(rest)
		if c.props[i].Holds(s) {
			h |= 1 << i
		}
	}
	return h
}

// news returns the properties a newly reached state decides: Always properties it violates
// and Sometimes properties it witnesses.
func (c *core[S, A]) news(held uint64) uint64 {
	return (c.active&c.always)&^held | c.active&c.sometimes&held
}

// initMask is the mask of Eventually properties pending in an initial state.
func (c *core[S, A]) initMask(held uint64) uint64 { return c.active & c.eventually &^ held }

// decide records the verdict on property i, if it is still open; a violation of an Always or
// Eventually property stops the search unless KeepGoing.
func (c *core[S, A]) decide(i int, st Status, tr *Trace[S, A]) {
	if c.found[i] != nil {
		return
	}
	c.found[i] = &found[S, A]{status: st, trace: tr}
	c.active &^= 1 << i
}

// decideAll decides every property in mask with trace tr: Sometimes properties hold (tr is a
// witness), the others are violated.
func (c *core[S, A]) decideAll(mask uint64, tr *Trace[S, A]) {
	for ; mask != 0; mask &= mask - 1 {
		i := bits.TrailingZeros64(mask)
		st := Violated
		if c.props[i].Expect == Sometimes {
			st = Holds
		}
		c.decide(i, st, tr)
	}
}

// violationStop reports whether an Always or Eventually property was violated and the options
// say to stop at the first violation.
func (c *core[S, A]) violationStop() bool {
	if c.opts.KeepGoing {
		return false
	}
	for i, f := range c.found {
		if f != nil && f.status == Violated && c.props[i].Expect != Sometimes {
			return true
		}
	}
	return false
}

// verdict decides a property from what was found and whether the search was complete.
// verdict is property i's status: a violation or witness found, or, after a search that
// explored every reachable state (searched), an Always property holds and a Sometimes one is
// violated; a temporal property the liveness pass did not decide is unknown.
func (c *core[S, A]) verdict(i int, searched bool) (Status, *Trace[S, A]) {
	if f := c.found[i]; f != nil {
		return f.status, f.trace
	}
	if !searched {
		return Unknown, nil
	}
	switch c.props[i].Expect {
	case Sometimes:
		return Violated, nil
	case Always:
		return Holds, nil
	}
	return Unknown, nil // a temporal property the liveness pass could not decide, or skipped
}

// stopFor ends the search early for reason, unless an earlier reason already did (safe for
// concurrent use).
func (c *core[S, A]) stopFor(reason Stop) { c.halt.CompareAndSwap(0, uint32(reason)) }

// halted returns the reason the search was told to stop, or Exhausted.
func (c *core[S, A]) halted() Stop { return Stop(c.halt.Load()) }

// interrupted reports whether the search must stop: the context is done, the time is up, the
// state bound is reached, or an earlier reason stopped it.
func (c *core[S, A]) interrupted(ctx context.Context) bool {
	if c.atStateBound() {
		c.stopFor(StopMaxStates)
	}
	return c.stopped(ctx)
}

// stopped reports whether the search must stop: the context is done, the time is up, or an
// earlier reason stopped it (safe for concurrent use).
func (c *core[S, A]) stopped(ctx context.Context) bool {
	switch {
	case ctx.Err() != nil:
		c.stopFor(StopInterrupted)
	default:
		if st := c.outOfBudget(); st != Exhausted {
			c.stopFor(st)
		}
	}
	return c.halted() != Exhausted
}

// outOfBudget returns StopTimeout once the Timeout has passed, StopMemory once the process
// has held more than MaxMemory bytes, else Exhausted (safe for concurrent use). It does not
// stop the search: the caller records the reason, in its order (simulation applies its walks
// in order, and a walk's violation before the bound is the reason).
func (c *core[S, A]) outOfBudget() Stop {
	switch {
	case c.timeUp():
		return StopTimeout
	case c.memoryUp():
		return StopMemory
	}
	return Exhausted
}

// memoryUp reports whether the process has held more than MaxMemory bytes: once it has, it
// always does. It reads the runtime's metrics at most every memoryEvery, and the clock on its
// first call and every 64th.
func (c *core[S, A]) memoryUp() bool {
	if c.opts.MaxMemory <= 0 {
		return false
	}
	if c.overMemory.Load() {
		return true
	}
	// The clock only every 64th call: DFS asks at every step, and reading the clock costs
	// about as much as a step of a small model.
	if n := c.memoryCalls.Add(1); n != 1 && n%64 != 0 {
		return false
	}
	now := int64(time.Since(c.start)) // monotonic
	next := c.memoryNext.Load()
	if now < next || !c.memoryNext.CompareAndSwap(next, now+int64(memoryEvery)) {
		return false
	}
	if processMemory() > c.opts.MaxMemory {
		c.overMemory.Store(true)
		return true
	}
	return false
}

// memoryEvery is how often memoryUp reads the runtime's metrics.
const memoryEvery = 50 * time.Millisecond

// processMemory is the Go memory the process holds, in bytes: all the runtime has mapped, less
// the heap memory it returned to the operating system.
func processMemory() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(s)
	return int64(s[0].Value.Uint64()) - int64(s[1].Value.Uint64())
}

// stopAtViolation stops the search if an Always or Eventually property was violated and the
// options say to stop at the first violation; it reports whether it did.
func (c *core[S, A]) stopAtViolation() bool {
	if c.violationStop() {
		c.stopFor(StopViolation)
		return true
	}
	return false
}

// stop is why the search ended early. done says whether the strategy is over (a result asked
// for mid-run is partial: interrupted); exhausted, whether it ran out of states to explore
// (simulation: its walks expanded every state they met).
func (c *core[S, A]) stop(done, exhausted bool) Stop {
	switch {
	case c.halted() != Exhausted:
		return c.halted()
	case !done:
		return StopInterrupted
	case c.depthCut:
		return StopMaxDepth
	case !exhausted:
		return StopWalks
	}
	return Exhausted
}

// timeUp reports whether the Timeout has passed.
func (c *core[S, A]) timeUp() bool {
	return !c.deadline.IsZero() && !time.Now().Before(c.deadline)
}

// atStateBound reports whether MaxStates distinct states are known.
func (c *core[S, A]) atStateBound() bool {
	return c.opts.MaxStates > 0 && c.table.count.Load() >= c.opts.MaxStates
}

// progress returns a snapshot; queue is the strategy's own measure of waiting work.
func (c *core[S, A]) progress(depth int, queue int64) Progress {
	el := time.Since(c.start)
	g := c.generated.Load()
	p := Progress{Generated: g, Unique: c.table.count.Load(), Depth: depth, Queue: queue, Elapsed: el}
	if s := el.Seconds(); s > 0 {
		p.Rate = float64(g) / s
	}
	return p
}

// replay rebuilds a trace through the states with fingerprints fps by re-executing the model:
// the first initial state, then the first action, that reaches each next fingerprint.
func (c *core[S, A]) replay(fps []uint64) (*Trace[S, A], error) {
	var sc scratch[S, A]
	tr := &Trace[S, A]{}
	ok := false
	for _, s := range c.m.Init() {
		if c.fingerprint(&sc, s) == fps[0] {
			tr.Init, ok = s, true
			break
		}
	}
	if !ok {
		return nil, fmt.Errorf("checker: no initial state has fingerprint %016x: the model is not deterministic", fps[0])
	}
	cur := tr.Init
	for k, want := range fps[1:] {
		sc.steps = expand(c.m, cur, &sc, sc.steps[:0])
		ok = false
		for _, st := range sc.steps {
			if c.fingerprint(&sc, st.State) == want {
				tr.Steps = append(tr.Steps, st)
				cur, ok = st.State, true
				break
			}
		}
		if !ok {
			return nil, fmt.Errorf("checker: step %d of a trace cannot be re-executed: the model is not deterministic", k+1)
		}
	}
	return tr, nil
}

// traceTo rebuilds the trace to the state with fingerprint fp from the table's parent links.
func (c *core[S, A]) traceTo(fp uint64) *Trace[S, A] {
	slot := c.table.find(fp)
	if slot < 0 {
		c.err = fmt.Errorf("checker: state %016x is not in the visited table", fp)
		return nil
	}
	tr, err := c.replay(c.table.path(slot))
	if err != nil && c.err == nil {
		c.err = err
	}
	return tr
}

// result assembles the Result (see stop for done and exhausted).
func (c *core[S, A]) result(strategy Strategy, workers int, done, exhausted bool) Result[S, A] {
	stop := c.stop(done, exhausted)
	switch {
	case c.opts.NoLiveness:
	case stop == Exhausted:
		c.liveVerdicts(0)
	case strategy != Simulate && (stop == StopMaxStates || stop == StopMaxDepth):
		// Cut by a bound: look for violations among the first states, as many as the search
		// knew (BFS: those it expanded, from its record).
		limit := c.table.count.Load()
		if c.opts.MaxStates > 0 {
			limit = min(limit, c.opts.MaxStates)
		}
		c.liveVerdicts(max(limit, 1))
	}
	searched := stop == Exhausted
	if h := c.halted(); h != Exhausted && stop == Exhausted {
		stop = h // the liveness pass ran out of time or was interrupted
	}
	complete := stop == Exhausted
	r := Result[S, A]{
		Strategy:     strategy,
		Workers:      workers,
		Generated:    c.generated.Load(),
		Unique:       c.table.count.Load(),
		Depth:        c.depth,
		Complete:     complete,
		Searched:     searched,
		Stopped:      stop,
		Duration:     time.Since(c.start),
		TableBytes:   c.table.bytes(),
		LiveBytes:    c.liveBytes,
		LiveExplored: c.explored,
		Symmetry:     c.canon != nil,
		Err:          c.err,
		canon:        c.canon,
	}
	for i, p := range c.props {
		st, tr := c.verdict(i, searched)
		r.Properties = append(r.Properties, PropertyResult[S, A]{Name: p.Name, Doc: p.Doc, Expect: p.Expect, Status: st, Trace: tr})
	}
	if c.graph != nil {
		r.Graph = c.graph.g
	}
	return r
}

// expand appends the enabled successors of s, in Actions order, to buf: the successor function
// every strategy and the liveness pass share (sc holds the actions).
func expand[S, A any](m Model[S, A], s S, sc *scratch[S, A], buf []Step[S, A]) []Step[S, A] {
	sc.acts = m.Actions(s, sc.acts[:0])
	for _, a := range sc.acts {
		if next, ok := m.Next(s, a); ok {
			buf = append(buf, Step[S, A]{Action: a, State: next})
		}
	}
	return buf
}

// successors appends the successors of s that the search explores to buf: those expand gives,
// but the ones s covers (see Covering). It also returns how many actions are enabled in s (0: a
// dead end), and leaves in sc the index of each kept step among them (indexOf) and in
// sc.covered the actions of the covered ones.
func (c *core[S, A]) successors(s S, sc *scratch[S, A], buf []Step[S, A]) ([]Step[S, A], int) {
	if c.cover == nil && c.coverStep == nil {
		from := len(buf)
		buf = expand(c.m, s, sc, buf)
		sc.index, sc.covered = nil, sc.covered[:0] // every step kept: the k-th is the k-th
		return buf, len(buf) - from
	}
	sc.acts = c.m.Actions(s, sc.acts[:0])
	sc.index, sc.covered = sc.index[:0], sc.covered[:0]
	enabled := 0
	for _, a := range sc.acts {
		if c.coverStep != nil && c.coverStep(s, a) {
			sc.covered = append(sc.covered, a)
			enabled++
			continue
		}
		next, ok := c.m.Next(s, a)
		if !ok {
			continue
		}
		enabled++
		if c.cover != nil && c.cover(s, next) {
			sc.covered = append(sc.covered, a)
			continue
		}
		buf = append(buf, Step[S, A]{Action: a, State: next})
		sc.index = append(sc.index, int32(enabled-1))
	}
	return buf, enabled
}

// indexOf returns the index among the enabled actions of the k-th step successors kept.
func (sc *scratch[S, A]) indexOf(k int) int32 {
	if sc.index == nil {
		return int32(k)
	}
	return sc.index[k]
}

// hasSuccessor reports whether an action is enabled in s (expand, stopping at the first).
func hasSuccessor[S, A any](m Model[S, A], s S, sc *scratch[S, A]) bool {
	sc.acts = m.Actions(s, sc.acts[:0])
	for _, a := range sc.acts {
		if _, ok := m.Next(s, a); ok {
			return true
		}
	}
	return false
}
