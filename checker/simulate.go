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
// walk does not depend on the ones before it. At each state of a walk it computes every
// successor (counted as generated, and known as distinct states from then on), then follows one
// chosen uniformly; the walk's last state is expanded too. Simulation is complete when its walks
// have expanded every state they know: the known states are then closed under successors, so
// they are exactly the reachable states (every initial state is known from the start). Until
// then it proves nothing.
//
// Walks run on any number of goroutines (runWalk touches nothing shared) and are applied in
// walk order (apply), so the counts, verdicts and traces depend on the seed, not on the workers.
type simulate[S, A any] struct {
	*core[S, A]
	inits     []S
	walks     int64 // walks to run (0: until interrupted)
	walk      int64 // walks started
	completed int64 // walks applied to their end
	expanded  int64 // distinct states expanded by a walk (marked in the table)
	exhausted bool  // every known state is expanded
	last      int   // length of the last walk applied, for progress
	limit     int   // states per walk
	done      bool
	workers   int
	one       walkResult[S, A] // the sequential mode's walk
}

func newSimulate[S, A any](c *core[S, A]) *simulate[S, A] {
	s := &simulate[S, A]{core: c, inits: c.m.Init(), walks: c.opts.Walks, limit: c.opts.MaxDepth, workers: 1}
	if s.walks == 0 && c.opts.Timeout == 0 {
		s.walks = defaultWalks
	}
	if s.limit == 0 {
		s.limit = defaultWalkDepth
	}
	s.exhausted = len(s.inits) == 0 // nothing is reachable
	var sc scratch[S, A]
	for _, st := range s.inits {
		if !s.insert(s.fingerprint(&sc, st)) {
			break
		}
	}
	return s
}

// insert adds a known state; it reports false, stopping the search, when the table is full.
func (s *simulate[S, A]) insert(fp uint64) bool {
	_, _, full := s.table.insert(fp, 0)
	for full && s.table.grow(serial) {
		_, _, full = s.table.insert(fp, 0)
	}
	if full {
		s.stopFor(StopMaxStates)
		s.done = true
	}
	return !full
}

// walkResult is a walk as runWalk made it: its trace, and for each of its states (initial
// first) the fingerprint, the properties it holds and the fingerprints of its successors.
type walkResult[S, A any] struct {
	tr       Trace[S, A]
	fps      []uint64
	held     []uint64
	succ     []uint64 // the successors' fingerprints, of state k at succ[ends[k-1]:ends[k]]
	ends     []int
	expanded int  // states whose successors were computed (all but when aborted)
	aborted  bool // the context, the time or the memory bound ended the walk early
	dead     bool // the walk ended in a state with no successor
	next     []Step[S, A]
	sc       scratch[S, A]
}

// runWalk runs walk i to its end on the calling goroutine, touching nothing shared: the same
// draws, in the same order, whatever goroutine runs it.
func (s *simulate[S, A]) runWalk(ctx context.Context, i int64, r *walkResult[S, A]) {
	rng := rand.New(rand.NewPCG(s.opts.Seed, uint64(i)))
	r.tr = Trace[S, A]{Init: s.inits[rng.IntN(len(s.inits))], Steps: r.tr.Steps[:0]}
	r.fps, r.held, r.succ, r.ends = r.fps[:0], r.held[:0], r.succ[:0], r.ends[:0]
	r.expanded, r.aborted, r.dead = 0, false, false
	cur := r.tr.Init
	for {
		r.fps = append(r.fps, s.fingerprint(&r.sc, cur))
		r.held = append(r.held, s.held(cur))
		// (The memory bound every 64 states: the walks of all workers share its counter.)
		if ctx.Err() != nil || s.timeUp() || len(r.fps)%64 == 1 && s.memoryUp() {
			r.aborted = true // (stopped, in the apply loop, records why)
			return
		}
		var enabled int
		r.next, enabled = s.successors(cur, &r.sc, r.next[:0])
		for _, st := range r.next {
			r.succ = append(r.succ, s.fingerprint(&r.sc, st.State))
		}
		r.ends = append(r.ends, len(r.succ))
		r.expanded++
		r.dead = enabled == 0
		if len(r.next) == 0 || len(r.tr.Steps)+1 >= s.limit {
			return
		}
		r.tr.Steps = append(r.tr.Steps, r.next[rng.IntN(len(r.next))])
		cur = r.tr.Last()
	}
}

// apply records a walk as the sequential search makes it: state after state, its properties
// judged, then its successors known, stopping where the sequential search stops.
func (s *simulate[S, A]) apply(r *walkResult[S, A]) {
	s.walk++
	s.last = len(r.fps)
	mask := uint64(0)
	for k, fp := range r.fps {
		held := r.held[k]
		if k == 0 {
			s.generated.Add(1)
			mask = s.initMask(held)
		} else {
			mask &^= held
		}
		s.depth = max(s.depth, k+1)
		if d := s.news(held); d != 0 {
			s.decideAll(d, &Trace[S, A]{Init: r.tr.Init, Steps: append([]Step[S, A](nil), r.tr.Steps[:k]...)})
			if s.stopAtViolation() {
				s.done = true
				return
			}
		}
		if k >= r.expanded {
			break
		}
		lo := 0
		if k > 0 {
			lo = r.ends[k-1]
		}
		s.generated.Add(int64(r.ends[k] - lo))
		for _, x := range r.succ[lo:r.ends[k]] {
			if !s.insert(x) {
				return
			}
		}
		if s.table.mark(fp) {
			s.expanded++
		}
		if s.atStateBound() {
			s.stopFor(StopMaxStates)
			s.done = true
			return
		}
	}
	if r.aborted {
		s.done = true
		return
	}
	if r.dead && mask&s.active&s.eventually != 0 {
		s.decideAll(mask&s.active&s.eventually, &Trace[S, A]{Init: r.tr.Init, Steps: append([]Step[S, A](nil), r.tr.Steps...)})
		if s.stopAtViolation() {
			s.done = true
			return
		}
	}
	s.completed++
	if s.expanded == s.table.count.Load() {
		s.exhausted, s.done = true, true
	}
}

// next reports whether another walk is to run, ending the search otherwise.
func (s *simulate[S, A]) next(ctx context.Context) bool {
	switch {
	case s.done:
	case s.interrupted(ctx) || len(s.inits) == 0:
		s.done = true
	case s.walks > 0 && s.walk == s.walks:
		s.done = true
	}
	return !s.done
}

// step runs walks on the calling goroutine until at least budget states were walked.
func (s *simulate[S, A]) step(ctx context.Context, budget int) bool {
	for n := 0; n < budget && s.next(ctx); n += len(s.one.fps) {
		s.runWalk(ctx, s.walk, &s.one)
		if s.one.aborted {
			s.stopped(ctx)
		}
		s.apply(&s.one)
	}
	return s.done
}

func (s *simulate[S, A]) queue() int64      { return s.walk }
func (s *simulate[S, A]) currentDepth() int { return s.last }

func (s *simulate[S, A]) finish() Result[S, A] {
	r := s.result(Simulate, s.workers, s.done, s.exhausted)
	r.Walks = s.completed
	return r
}

// runParallel runs the walks on workers goroutines, a round of walks at a time, and applies
// each round's walks in walk order: the outcome is the sequential run's, whatever the number
// of workers (timeouts and cancellation aside). report is called after each round.
func (s *simulate[S, A]) runParallel(ctx context.Context, workers int, report func()) {
	results := make([]walkResult[S, A], workers*walksPerWorker)
	for s.next(ctx) {
		n := int64(len(results))
		if s.walks > 0 {
			n = min(n, s.walks-s.walk)
		}
		var next atomic.Int64
		var wg sync.WaitGroup
		first := s.walk
		for range workers {
			wg.Go(func() {
				for k := next.Add(1) - 1; k < n; k = next.Add(1) - 1 {
					s.runWalk(ctx, first+k, &results[k])
				}
			})
		}
		wg.Wait()
		for k := int64(0); k < n && !s.done; k++ {
			if results[k].aborted {
				s.stopped(ctx)
			}
			s.apply(&results[k])
		}
		report()
	}
}

// walksPerWorker is the walks each worker takes on per round: rounds long enough that
// workers seldom wait for the slowest walk, short enough to stop soon after a violation.
const walksPerWorker = 8
