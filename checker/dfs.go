package checker

import "context"

// frame is a state on the DFS stack with its successors, arena[first:first+n].
type frame[S, A any] struct {
	state S
	via   A // the action that led here (unset for an initial state)
	fp    uint64
	mask  uint64
	first int
	n     int
	next  int  // next successor to visit
	dead  bool // no action is enabled
}

// dfs is depth-first search over the visited table. A counterexample is the search stack, so
// it need not be shortest. With MaxDepth, a state first reached deep is not explored again
// when reached shallower: depth-bounded DFS can miss states (its result is then incomplete).
type dfs[S, A any] struct {
	*core[S, A]
	sc    scratch[S, A]
	stack []frame[S, A]
	arena []Step[S, A]
	inits []S
	init  int // next initial state
	done  bool
}

func newDFS[S, A any](c *core[S, A]) *dfs[S, A] {
	d := &dfs[S, A]{core: c, inits: c.m.Init()}
	d.generated.Add(int64(len(d.inits)))
	return d
}

// trace is the stack as a trace.
func (d *dfs[S, A]) trace() *Trace[S, A] {
	tr := &Trace[S, A]{Init: d.stack[0].state}
	for _, f := range d.stack[1:] {
		tr.Steps = append(tr.Steps, Step[S, A]{Action: f.via, State: f.state})
	}
	return tr
}

// decideOn decides the properties in mask with the stack as the trace.
func (d *dfs[S, A]) decideOn(mask uint64) {
	if mask != 0 {
		d.decideAll(mask, d.trace())
	}
}

// visit adds s to the table and pushes it unless seen; it reports whether the search goes on.
func (d *dfs[S, A]) visit(s S, via A, mask uint64, initial bool) bool {
	fp := d.fingerprint(&d.sc, s)
	_, added, full := d.table.insert(fp, 0)
	for full {
		if !d.table.grow(serial) {
			d.stopFor(StopMaxStates)
			return false
		}
		_, added, full = d.table.insert(fp, 0)
	}
	if d.graph != nil {
		if initial {
			d.graph.node(s, fp, true)
		} else {
			top := &d.stack[len(d.stack)-1]
			d.graph.edge(top.state, top.fp, via, s, fp)
		}
	}
	if !added {
		return true
	}
	held := d.held(s)
	if initial {
		mask = d.initMask(held)
	} else {
		mask &^= held
	}
	d.stack = append(d.stack, frame[S, A]{state: s, via: via, fp: fp, mask: mask, first: len(d.arena)})
	d.depth = max(d.depth, len(d.stack))
	d.decideOn(d.news(held))
	if d.stopAtViolation() {
		return false
	}
	top := &d.stack[len(d.stack)-1]
	if d.opts.MaxDepth > 0 && len(d.stack) >= d.opts.MaxDepth {
		if hasSuccessor(d.m, s, &d.sc) {
			d.depthCut = true
		} else {
			d.decideOn(top.mask & d.active & d.eventually) // a dead end
		}
		d.stack = d.stack[:len(d.stack)-1]
		return !d.stopAtViolation()
	}
	var enabled int
	d.arena, enabled = d.successors(s, &d.sc, d.arena)
	top.n, top.dead = len(d.arena)-top.first, enabled == 0
	return true
}

func (d *dfs[S, A]) step(ctx context.Context, budget int) bool {
	for n := 0; n < budget && !d.done; {
		if d.interrupted(ctx) {
			d.done = true
			break
		}
		if len(d.stack) == 0 {
			if d.init == len(d.inits) {
				d.done = true
				break
			}
			s := d.inits[d.init]
			d.init++
			var none A
			if !d.visit(s, none, 0, true) {
				d.done = true
			}
			n++
			continue
		}
		top := &d.stack[len(d.stack)-1]
		if top.next == top.n {
			if top.dead {
				d.decideOn(top.mask & d.active & d.eventually)
			}
			clear(d.arena[top.first:]) // let the successors' states go
			d.arena = d.arena[:top.first]
			d.stack = d.stack[:len(d.stack)-1]
			if d.stopAtViolation() {
				d.done = true
			}
			continue
		}
		st := d.arena[top.first+top.next]
		top.next++
		d.generated.Add(1)
		n++
		if !d.visit(st.State, st.Action, top.mask, false) {
			d.done = true
		}
	}
	return d.done
}

func (d *dfs[S, A]) queue() int64      { return int64(len(d.stack)) }
func (d *dfs[S, A]) currentDepth() int { return len(d.stack) }

func (d *dfs[S, A]) finish() Result[S, A] {
	return d.result(DFS, 1, d.done, true)
}
