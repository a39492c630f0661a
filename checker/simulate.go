package checker

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
)

// defaultWalks and defaultWalkDepth apply to simulation when neither Walks nor Timeout, and
// MaxDepth, are given.
const (
	defaultWalks     = 1000
	defaultWalkDepth = 100
)

// simulate runs random walks. Walk i draws from a PCG generator seeded with (Seed, i), so a
// walk does not depend on the ones before it. At each state it computes every successor
// (counted as generated), then follows one chosen uniformly. It never proves a property: a
// run is never complete.
type simulate[S, A any] struct {
	*core[S, A]
	sc      scratch[A]
	inits   []S
	walks   int64 // walks to run (0: until interrupted)
	walk    int64 // walks started
	rng     *rand.Rand
	tr      *Trace[S, A] // the current walk
	mask    uint64
	walking bool // a walk is under way
	succ    []Step[S, A]
	limit   int // steps per walk
	done    bool
	workers int
}

func newSimulate[S, A any](c *core[S, A]) *simulate[S, A] {
	s := &simulate[S, A]{core: c, inits: c.m.Init(), walks: c.opts.Walks, limit: c.opts.MaxDepth, workers: 1}
	if s.walks == 0 && c.opts.Timeout == 0 {
		s.walks = defaultWalks
	}
	if s.limit == 0 {
		s.limit = defaultWalkDepth
	}
	return s
}

// arrive records that the walk reached state st: counts it, judges the properties.
func (s *simulate[S, A]) arrive(st S, initial bool) {
	fp := s.fingerprint(&s.sc, st)
	_, _, full := s.table.insert(fp, 0)
	for full && s.table.grow(serial) {
		_, _, full = s.table.insert(fp, 0)
	}
	if full {
		s.cut, s.done = true, true
	}
	held := s.held(st)
	if initial {
		s.mask = s.initMask(held)
	} else {
		s.mask &^= held
	}
	s.depth = max(s.depth, len(s.tr.Steps)+1)
	s.decideOn(s.news(held))
}

// decideOn decides the properties in mask with a copy of the current walk.
func (s *simulate[S, A]) decideOn(mask uint64) {
	if mask == 0 {
		return
	}
	s.decideAll(mask, &Trace[S, A]{Init: s.tr.Init, Steps: append([]Step[S, A](nil), s.tr.Steps...)})
	if s.violationStop() {
		s.done = true
	}
}

func (s *simulate[S, A]) step(ctx context.Context, budget int) bool {
	for n := 0; n < budget && !s.done; n++ {
		if s.interrupted(ctx) || len(s.inits) == 0 {
			s.cut, s.done = true, true
			break
		}
		if !s.walking {
			if s.walks > 0 && s.walk == s.walks {
				s.done = true
				break
			}
			s.rng = rand.New(rand.NewPCG(s.opts.Seed, uint64(s.walk)))
			s.walk++
			s.generated.Add(1)
			s.tr = &Trace[S, A]{Init: s.inits[s.rng.IntN(len(s.inits))]}
			s.walking = true
			s.arrive(s.tr.Init, true)
			continue
		}
		cur := s.tr.Last()
		if len(s.tr.Steps)+1 >= s.limit {
			if s.sc.acts = s.m.Actions(cur, s.sc.acts[:0]); !hasSuccessor(s.m, cur, s.sc.acts) {
				s.decideOn(s.mask & s.active & s.eventually) // a dead end at the bound
			}
			s.walking = false
			continue
		}
		s.sc.acts = s.m.Actions(cur, s.sc.acts[:0])
		s.succ = s.succ[:0]
		for _, a := range s.sc.acts {
			if next, ok := s.m.Next(cur, a); ok {
				s.succ = append(s.succ, Step[S, A]{Action: a, State: next})
			}
		}
		s.generated.Add(int64(len(s.succ)))
		if len(s.succ) == 0 {
			s.decideOn(s.mask & s.active & s.eventually)
			s.walking = false
			continue
		}
		s.tr.Steps = append(s.tr.Steps, s.succ[s.rng.IntN(len(s.succ))])
		s.arrive(s.tr.Last(), false)
	}
	return s.done
}

func (s *simulate[S, A]) queue() int64 { return s.walk }
func (s *simulate[S, A]) currentDepth() int {
	if s.tr == nil {
		return 0
	}
	return len(s.tr.Steps) + 1
}

func (s *simulate[S, A]) finish() Result[S, A] {
	r := s.result(Simulate, s.workers, false)
	r.Walks = s.walk
	if s.walking {
		r.Walks--
	}
	return r
}

// walkResult is a walk run by one worker of a parallel simulation: its trace, and for each
// of its states (initial first) the fingerprint and the properties it holds.
type walkResult[S, A any] struct {
	tr        Trace[S, A]
	fps       []uint64
	held      []uint64
	generated []int64 // states generated on the way to each state (1 for the initial one)
	aborted   bool    // the context ended the walk early
	dead      bool    // the walk ended in a state with no successor
	succ      []Step[S, A]
	sc        scratch[A]
}

// runWalk runs walk i to its end on the calling goroutine, touching nothing shared: the same
// draws, in the same order, as the sequential run makes.
func (s *simulate[S, A]) runWalk(ctx context.Context, i int64, r *walkResult[S, A]) {
	rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(i)))
	r.tr = Trace[S, A]{Init: s.inits[rng.IntN(len(s.inits))]}
	r.fps, r.held, r.generated, r.aborted, r.dead = r.fps[:0], r.held[:0], r.generated[:0], false, false
	visit := func(st S, generated int64) {
		r.fps = append(r.fps, s.fingerprint(&r.sc, st))
		r.held = append(r.held, s.held(st))
		r.generated = append(r.generated, generated)
	}
	visit(r.tr.Init, 1)
	for len(r.tr.Steps)+1 < s.limit {
		if ctx.Err() != nil {
			r.aborted = true
			return
		}
		cur := r.tr.Last()
		r.sc.acts = s.m.Actions(cur, r.sc.acts[:0])
		r.succ = r.succ[:0]
		for _, a := range r.sc.acts {
			if next, ok := s.m.Next(cur, a); ok {
				r.succ = append(r.succ, Step[S, A]{Action: a, State: next})
			}
		}
		if len(r.succ) == 0 {
			r.dead = true
			return
		}
		r.tr.Steps = append(r.tr.Steps, r.succ[rng.IntN(len(r.succ))])
		visit(r.tr.Last(), int64(len(r.succ)))
	}
	last := r.tr.Last()
	r.sc.acts = s.m.Actions(last, r.sc.acts[:0])
	r.dead = !hasSuccessor(s.m, last, r.sc.acts)
}

// apply records a walk as the sequential run would have made it: its states counted and the
// properties decided state by state, stopping where the sequential run would stop.
func (s *simulate[S, A]) apply(r *walkResult[S, A]) {
	s.walk++
	s.walking = true
	for k, fp := range r.fps {
		if s.atStateBound() {
			s.cut, s.done = true, true
			return
		}
		s.generated.Add(r.generated[k])
		s.tr = &Trace[S, A]{Init: r.tr.Init, Steps: r.tr.Steps[:k]}
		_, _, full := s.table.insert(fp, 0)
		for full && s.table.grow(serial) {
			_, _, full = s.table.insert(fp, 0)
		}
		if full {
			s.cut, s.done = true, true
		}
		if k == 0 {
			s.mask = s.initMask(r.held[k])
		} else {
			s.mask &^= r.held[k]
		}
		s.depth = max(s.depth, k+1)
		s.decideOn(s.news(r.held[k]))
		if s.done {
			return
		}
	}
	if s.atStateBound() {
		s.cut, s.done = true, true
		return
	}
	if r.dead {
		s.decideOn(s.mask & s.active & s.eventually)
	}
	s.walking = false
}

// runParallel runs the walks on workers goroutines, a round of walks at a time, and applies
// each round's walks in walk order: the outcome is the sequential run's, whatever the number
// of workers (timeouts and cancellation aside). report is called after each round.
func (s *simulate[S, A]) runParallel(ctx context.Context, workers int, report func()) {
	results := make([]walkResult[S, A], workers*walksPerWorker)
	for !s.done {
		if s.interrupted(ctx) || len(s.inits) == 0 {
			s.cut, s.done = true, true
			break
		}
		n := int64(len(results))
		if s.walks > 0 {
			n = min(n, s.walks-s.walk)
		}
		if n == 0 {
			s.done = true
			break
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() {
				for k := next.Add(1) - 1; k < n; k = next.Add(1) - 1 {
					s.runWalk(ctx, s.walk+k, &results[k])
				}
			})
		}
		wg.Wait()
		for k := int64(0); k < n && !s.done; k++ {
			if results[k].aborted {
				s.cut, s.done = true, true
				break
			}
			s.apply(&results[k])
		}
		report()
	}
}

// walksPerWorker is the walks each worker takes on per round: rounds long enough that
// workers seldom wait for the slowest walk, short enough to stop soon after a violation.
const walksPerWorker = 8
