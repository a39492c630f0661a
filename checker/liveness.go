package checker

import "slices"

// lasso decides a temporal property after a complete search. It looks, from each start state
// (Eventually: the initial states where the condition does not hold; AlwaysEventually: every
// reachable state where it does not; LeadsTo: every reachable state where Holds does and Then
// does not), for a run through states where the awaited condition never holds: one that ends
// in a state with no successor, or a lasso, a prefix and a cycle that repeats forever (loop is
// the index of the state where the cycle starts and to which the trace's last step returns).
// The trace starts at an initial state. It returns nil when there is none. Every action is
// treated as weakly fair together (a run stops only where nothing is enabled). Depth-first,
// deterministic in the model's action order.
func (c *core[S, A]) lasso(p Property[S]) (*Trace[S, A], int) {
	holds, start := p.Holds, func(s S) bool { return !p.Holds(s) }
	if p.Expect == LeadsTo {
		holds, start = p.Then, func(s S) bool { return p.Holds(s) && !p.Then(s) }
	}
	var sc scratch[A]
	done := map[uint64]bool{} // only looked up
	if p.Expect == Eventually {
		for _, init := range c.m.Init() {
			if start(init) {
				if tr, loop := c.avoid(init, func() *Trace[S, A] { return &Trace[S, A]{Init: init} }, holds, done); tr != nil {
					return tr, loop
				}
			}
		}
		return nil, -1
	}
	// Every reachable start state, breadth first; each state keeps a link to its parent, and
	// the path from an initial state is built only for a violation.
	type node struct {
		state  S
		parent int // -1 for an initial state
		action A
	}
	seen := map[uint64]bool{} // only looked up
	var nodes []node
	for _, init := range c.m.Init() {
		if fp := c.fingerprint(&sc, init); !seen[fp] {
			seen[fp] = true
			nodes = append(nodes, node{state: init, parent: -1})
		}
	}
	pathTo := func(k int) *Trace[S, A] {
		var steps []Step[S, A]
		for ; nodes[k].parent >= 0; k = nodes[k].parent {
			steps = append(steps, Step[S, A]{Action: nodes[k].action, State: nodes[k].state})
		}
		slices.Reverse(steps)
		return &Trace[S, A]{Init: nodes[k].state, Steps: steps}
	}
	var acts []A
	for k := 0; k < len(nodes); k++ {
		s := nodes[k].state
		if start(s) {
			if found, loop := c.avoid(s, func() *Trace[S, A] { return pathTo(k) }, holds, done); found != nil {
				return found, loop
			}
		}
		acts = c.m.Actions(s, acts[:0])
		for _, a := range acts {
			if next, ok := c.m.Next(s, a); ok {
				if fp := c.fingerprint(&sc, next); !seen[fp] {
					seen[fp] = true
					nodes = append(nodes, node{state: next, parent: k, action: a})
				}
			}
		}
	}
	return nil, -1
}

// avoid looks for a run from first through states where holds does not hold that ends in a
// dead end or cycles, and returns it after the path that prefix builds (which ends at first).
// done holds the states already known to start no such run (shared between calls with the
// same holds).
func (c *core[S, A]) avoid(first S, prefix func() *Trace[S, A], holds func(S) bool, done map[uint64]bool) (*Trace[S, A], int) {
	type frame struct {
		state S
		fp    uint64
		acts  []A
		next  int
	}
	var sc scratch[A]
	onPath := map[uint64]int{} // fingerprint to its index on the stack; only looked up
	stack := []frame{{state: first, fp: c.fingerprint(&sc, first), acts: c.m.Actions(first, nil)}}
	if done[stack[0].fp] {
		return nil, -1
	}
	onPath[stack[0].fp] = 0
	var via []A // the action into each frame but the first
	extend := func(last *Step[S, A]) *Trace[S, A] {
		tr := prefix()
		for k := 1; k < len(stack); k++ {
			tr.Steps = append(tr.Steps, Step[S, A]{Action: via[k-1], State: stack[k].state})
		}
		if last != nil {
			tr.Steps = append(tr.Steps, *last)
		}
		return tr
	}
	for len(stack) > 0 {
		top := &stack[len(stack)-1]
		if top.next == 0 && !hasSuccessor(c.m, top.state, top.acts) {
			return extend(nil), -1 // a dead end
		}
		pushed := false
		for top.next < len(top.acts) && !pushed {
			a := top.acts[top.next]
			top.next++
			next, ok := c.m.Next(top.state, a)
			if !ok || holds(next) {
				continue
			}
			nfp := c.fingerprint(&sc, next)
			if k, cycle := onPath[nfp]; cycle {
				tr := extend(&Step[S, A]{Action: a, State: next})
				return tr, len(tr.Steps) - len(stack) + k
			}
			if done[nfp] {
				continue
			}
			onPath[nfp] = len(stack)
			stack = append(stack, frame{state: next, fp: nfp, acts: c.m.Actions(next, nil)})
			via = append(via, a)
			pushed = true
		}
		if !pushed {
			done[top.fp] = true
			delete(onPath, top.fp)
			stack = stack[:len(stack)-1]
			if len(via) > 0 {
				via = via[:len(via)-1]
			}
		}
	}
	return nil, -1
}

func hasSuccessor[S, A any](m Model[S, A], s S, acts []A) bool {
	for _, a := range acts {
		if _, ok := m.Next(s, a); ok {
			return true
		}
	}
	return false
}
