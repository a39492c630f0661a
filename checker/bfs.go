package checker

import (
	"context"
	"math/bits"
	"sync"
	"sync/atomic"
)

// unitSize is how many states of a level make one unit of work.
const unitSize = 256

// entry is a state waiting in a BFS level.
type entry[S any] struct {
	state S
	fp    uint64
	mask  uint64 // Eventually properties not yet seen holding on the state's path
	pos   uint32 // position of its parent in the previous level
	slot  uint32 // its slot in the table, while the table has not grown since it was set
}

// unit is a run of consecutive states of the level being expanded; its successors are written
// to out[lo:hi] of the worker that expanded it.
type unit[S any] struct {
	src    []entry[S]
	pos    uint32 // level position of src[0]
	worker int    // -1 until expanded
	lo, hi int
}

// candidate is a property decided by a state found in this level, pending the level's end.
type candidate struct {
	prop     int
	fp       uint64
	pos      uint32 // the parent's position, or the state's own for a terminal state
	seq      int    // order among the successors of the same parent
	terminal bool   // an Eventually violation by a terminal state of the level being expanded
}

// successor is a state reached from the one being expanded.
type successor[S, A any] struct {
	state S
	act   A
	fp    uint64
}

type bfsWorker[S, A any] struct {
	id    int
	sc    scratch[A]
	out   *blockList[entry[S]] // the next level, as this worker finds it
	prev  *blockList[entry[S]] // the level being expanded (last level's out)
	cands []candidate
	next  []successor[S, A] // successors of the state being expanded
	sink  uint64            // keeps the slot touches of expand from being optimised away
	unit  int               // unit being expanded, -1 before the first of a level
	i, j  int               // resume point in it: state and successor
	succ  int               // successors of state i claimed so far
	_     [128]byte         // keeps workers' hot fields off each other's cache lines
}

// bfs is level-synchronous breadth-first search. Each level is split into units that workers
// expand in parallel; claims in the table (lowest parent position wins) and a settling pass at
// the end of each level make parents, level order, counts and traces those of a sequential BFS.
type bfs[S, A any] struct {
	*core[S, A]
	workers []*bfsWorker[S, A]
	level   int // depth of the states being expanded (initial states at 1)
	units   []unit[S]
	spare   []unit[S]    // the previous level's units, memory for the next
	width   atomic.Int64 // states in the level
	next    atomic.Int64 // next unit to hand out
	shown   atomic.Int64 // level, for progress reports from other goroutines
	done    bool
	mu      sync.RWMutex // held shared while expanding, exclusively to grow the table
	full    bool         // the table cannot grow further
	grown   int          // table.grown when the slots in the level's entries were set
}

func newBFS[S, A any](c *core[S, A], workers int) *bfs[S, A] {
	b := &bfs[S, A]{core: c}
	for i := 0; i < workers; i++ {
		b.workers = append(b.workers, &bfsWorker[S, A]{id: i, unit: -1, out: &blockList[entry[S]]{}, prev: &blockList[entry[S]]{}})
	}
	b.start()
	return b
}

// start puts the distinct initial states, in order, into level 1.
func (b *bfs[S, A]) start() {
	inits := b.m.Init()
	b.generated.Add(int64(len(inits)))
	w := b.workers[0]
	for _, s := range inits {
		fp := b.fingerprint(&w.sc, s)
		_, added, full := b.table.insert(fp, rootParent)
		for full {
			b.table.grow(serial)
			_, added, full = b.table.insert(fp, rootParent)
		}
		if !added {
			continue
		}
		held := b.held(s)
		b.decideAll(b.news(held), &Trace[S, A]{Init: s})
		if b.graph != nil {
			b.graph.node(s, fp, true)
		}
		w.out.push(entry[S]{state: s, fp: fp, mask: b.initMask(held)})
	}
	if w.out.n > 0 {
		b.depth = 1
	}
	b.level = 1
	b.shown.Store(1)
	for i := 0; i < w.out.n; i++ {
		e := w.out.at(i)
		e.slot = uint32(b.table.find(e.fp))
	}
	b.grown = b.table.grown
	if b.violationStop() || b.atStateBound() {
		b.cut, b.done = true, true
		return
	}
	b.nextLevel([]unit[S]{{worker: 0, lo: 0, hi: w.out.n}})
}

// nextLevel makes the outputs of the finished units the level to expand, split into units.
func (b *bfs[S, A]) nextLevel(done []unit[S]) {
	for _, w := range b.workers {
		w.prev.reset()
		w.prev, w.out = w.out, w.prev
		w.cands = w.cands[:0]
		w.unit = -1
	}
	b.units, b.spare = b.spare[:0], b.units
	width := int64(0)
	for _, u := range done {
		if u.worker < 0 {
			continue
		}
		b.workers[u.worker].prev.pieces(u.lo, u.hi, func(seg []entry[S]) {
			for lo := 0; lo < len(seg); lo += unitSize {
				hi := min(lo+unitSize, len(seg))
				b.units = append(b.units, unit[S]{src: seg[lo:hi], pos: uint32(width), worker: -1})
				width += int64(hi - lo)
			}
		})
	}
	b.width.Store(width)
	b.next.Store(0)
	if b.record != nil {
		b.record.startLevel(int(width))
	}
	if width == 0 {
		b.done = true
		return
	}
	if b.opts.MaxDepth > 0 && b.level >= b.opts.MaxDepth {
		b.cutLevel()
	}
}

// cutLevel handles a level at the depth bound: its states are not expanded. Any that has an
// enabled action makes the search incomplete. A path cut by the bound violates nothing: an
// Eventually property still pending on it stays undecided.
func (b *bfs[S, A]) cutLevel() {
	sc := &b.workers[0].sc
	for _, u := range b.units {
		for _, e := range u.src {
			pend := e.mask & b.active & b.eventually
			if b.cut && pend == 0 {
				continue
			}
			sc.acts = b.m.Actions(e.state, sc.acts[:0])
			if hasSuccessor(b.m, e.state, sc.acts) {
				b.cut = true
			} else if pend != 0 { // a dead end where the condition never held
				b.decideAll(pend, b.traceTo(e.fp))
			}
		}
	}
	b.done = true
}

type unitStatus uint8

const (
	unitDone unitStatus = iota
	unitPartial
	unitFull
)

// expand expands up to budget states of unit k as worker w, resuming where w left off.
func (b *bfs[S, A]) expand(w *bfsWorker[S, A], k int, budget int) (n int, st unitStatus) {
	u := &b.units[k]
	if w.unit != k {
		w.unit, w.i, w.j, w.succ = k, 0, 0, 0
		u.worker, u.lo = w.id, w.out.n
	}
	var generated, inserted int64
	i, j, succ := w.i, w.j, w.succ
	defer func() {
		w.i, w.j, w.succ = i, j, succ
		u.hi = w.out.n
		b.generated.Add(generated)
		b.table.counted(&inserted, true)
	}()
	pending := b.active & b.eventually
	for ; i < len(u.src); i, j, succ = i+1, 0, 0 {
		if n == budget {
			return n, unitPartial
		}
		p := &u.src[i]
		pos := u.pos + uint32(i)
		// Compute every successor first, then touch their slots, so that the table's cache
		// misses overlap instead of following one another.
		w.sc.acts = b.m.Actions(p.state, w.sc.acts[:0])
		w.next = w.next[:0]
		for _, a := range w.sc.acts {
			if next, ok := b.m.Next(p.state, a); ok {
				w.next = append(w.next, successor[S, A]{state: next, act: a, fp: b.fingerprint(&w.sc, next)})
			}
		}
		for k := range w.next {
			w.sink += b.table.peek(w.next[k].fp)
		}
		if b.record != nil && j == 0 {
			b.record.expanded(b.core, pos, p.fp, p.state, w.next)
		}
		for ; j < len(w.next); j++ {
			sx := &w.next[j]
			slot, res := b.table.claim(sx.fp, pos)
			if res == claimFull {
				return n, unitFull
			}
			succ++
			generated++
			if res == claimNew {
				inserted++
				b.table.counted(&inserted, false)
			}
			if res == claimNew || res == claimImproved {
				held := b.held(sx.state)
				for d := b.news(held); d != 0; d &= d - 1 {
					w.cands = append(w.cands, candidate{prop: bits.TrailingZeros64(d), fp: sx.fp, pos: pos, seq: w.out.n})
				}
				w.out.push(entry[S]{state: sx.state, fp: sx.fp, mask: p.mask &^ held, pos: pos, slot: uint32(slot)})
			}
			if b.graph != nil {
				b.graph.edge(p.state, p.fp, sx.act, sx.state, sx.fp)
			}
		}
		if succ == 0 {
			for d := p.mask & pending; d != 0; d &= d - 1 {
				w.cands = append(w.cands, candidate{prop: bits.TrailingZeros64(d), fp: p.fp, pos: pos, terminal: true})
			}
		}
		n++
	}
	return n, unitDone
}

// grow enlarges the table with every worker stopped.
func (b *bfs[S, A]) grow() {
	b.mu.Lock()
	if b.table.count.Load() >= b.table.limit && !b.table.grow(b.parallel) {
		b.full = true
	}
	b.mu.Unlock()
}

// endLevel decides the properties found in the level, settles the claims of the next level's
// states into parent links, and moves on to the next level unless told to stop.
func (b *bfs[S, A]) endLevel(advance bool) {
	if b.record != nil && advance {
		b.record.endLevel()
	}
	// The first candidate per property in sequential BFS order, among those whose state the
	// claiming parent kept.
	best := make([]*candidate, len(b.props))
	for _, w := range b.workers {
		for k := range w.cands {
			c := &w.cands[k]
			if !c.terminal && b.table.parents[b.table.find(c.fp)] != claimBit|c.pos {
				continue
			}
			if o := best[c.prop]; o == nil || c.pos < o.pos || c.pos == o.pos && c.seq < o.seq {
				best[c.prop] = c
			}
		}
	}
	if b.table.grown != b.grown {
		b.parallel(len(b.units), func(k int) { b.reslot(&b.units[k]) })
	}
	b.parallel(len(b.units), func(k int) { b.settle(&b.units[k]) })
	b.grown = b.table.grown
	for i, c := range best {
		if c != nil {
			b.decideAll(1<<i, b.traceTo(c.fp))
		}
	}
	found := false
	for _, u := range b.units {
		found = found || u.worker >= 0 && u.hi > u.lo
	}
	if found {
		b.depth = b.level + 1
	}
	b.level++
	b.shown.Store(int64(b.level))
	if !advance || b.violationStop() || b.atStateBound() {
		b.cut, b.done = true, true
		return
	}
	b.nextLevel(b.units)
}

// reslot refreshes the slots recorded in u's states and successors after the table grew.
func (b *bfs[S, A]) reslot(u *unit[S]) {
	for i := range u.src {
		u.src[i].slot = uint32(b.table.find(u.src[i].fp))
	}
	if u.worker < 0 {
		return
	}
	out := b.workers[u.worker].out
	for i := u.lo; i < u.hi; i++ {
		e := out.at(i)
		e.slot = uint32(b.table.find(e.fp))
	}
}

// settle keeps the successors in u's output whose claim u's parent won, and turns those claims
// into parent links.
func (b *bfs[S, A]) settle(u *unit[S]) {
	if u.worker < 0 {
		return
	}
	out := b.workers[u.worker].out
	keep := u.lo
	lastPos, parent := ^uint32(0), uint32(0)
	for i := u.lo; i < u.hi; i++ {
		e := out.at(i)
		if e.pos != lastPos {
			lastPos, parent = e.pos, u.src[e.pos-u.pos].slot
		}
		if b.table.settle(int(e.slot), e.pos, parent) {
			if keep != i {
				*out.at(keep) = *e
			}
			keep++
		}
	}
	u.hi = keep
}

// parallel runs fn(0..n-1) over the workers.
func (b *bfs[S, A]) parallel(n int, fn func(k int)) {
	if len(b.workers) == 1 {
		serial(n, fn)
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range b.workers {
		wg.Go(func() {
			for k := int(next.Add(1) - 1); k < n; k = int(next.Add(1) - 1) {
				fn(k)
			}
		})
	}
	wg.Wait()
}

// step expands up to budget states on one worker (the sliced mode).
func (b *bfs[S, A]) step(ctx context.Context, budget int) bool {
	w := b.workers[0]
	for budget > 0 && !b.done {
		if b.stopped(ctx) || b.full {
			b.endLevel(false)
			break
		}
		k := int(b.next.Load())
		if k == len(b.units) {
			b.endLevel(true)
			continue
		}
		n, st := b.expand(w, k, budget)
		budget -= n
		switch st {
		case unitDone:
			b.next.Add(1)
		case unitFull:
			b.grow()
		}
	}
	return b.done
}

// runParallel expands level after level over all workers until done.
func (b *bfs[S, A]) runParallel(ctx context.Context) {
	for !b.done {
		var halt atomic.Bool
		var wg sync.WaitGroup
		for _, w := range b.workers {
			wg.Go(func() {
				for !halt.Load() {
					k := int(b.next.Add(1) - 1)
					if k >= len(b.units) {
						return
					}
					if b.stopped(ctx) || b.full {
						halt.Store(true)
						return
					}
					b.mu.RLock()
					_, st := b.expand(w, k, len(b.units[k].src))
					for st == unitFull {
						b.mu.RUnlock()
						b.grow()
						b.mu.RLock()
						if b.full {
							break
						}
						_, st = b.expand(w, k, len(b.units[k].src))
					}
					b.mu.RUnlock()
				}
			})
		}
		wg.Wait()
		b.endLevel(!halt.Load())
	}
}

// queue is the number of states of the level not yet expanded (approximately, in parallel).
func (b *bfs[S, A]) queue() int64 {
	q := b.width.Load() - b.next.Load()*unitSize
	return max(q, 0)
}

func (b *bfs[S, A]) currentDepth() int { return int(b.shown.Load()) }

func (b *bfs[S, A]) finish() Result[S, A] {
	return b.result(BFS, len(b.workers), b.done && !b.cut)
}
