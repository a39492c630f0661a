package checker

import (
	"context"
	"math/rand/v2"
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
}

func newSimulate[S, A any](c *core[S, A]) *simulate[S, A] {
	s := &simulate[S, A]{core: c, inits: c.m.Init(), walks: c.opts.Walks, limit: c.opts.MaxDepth}
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
			s.decideOn(s.mask & s.active & s.eventually)
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
	r := s.result(Simulate, 1, false)
	r.Walks = s.walk
	if s.walking {
		r.Walks--
	}
	return r
}
