package checker

// eventuallyLasso decides an Eventually property after a complete search: it explores the
// states reachable from an initial state through states where the condition does not hold,
// and returns a run on which it never holds: one that ends in a state with no successor, or a
// lasso, a prefix and a cycle that repeats forever (loop is the index of the state, 0 for the
// initial one, where the cycle starts and to which the trace's last step returns). It returns
// nil when every run reaches the condition. Every action is treated as weakly fair together
// (a run stops only where nothing is enabled). Depth-first, deterministic in the model's
// action order.
func (c *core[S, A]) eventuallyLasso(i int) (*Trace[S, A], int) {
	holds := c.props[i].Holds
	var sc scratch[A]
	const (
		open = iota + 1 // on the current path
		done            // fully explored: no violating run from it
	)
	mark := map[uint64]uint8{} // fingerprint to its mark; only looked up
	type frame struct {
		state S
		fp    uint64
		acts  []A
		next  int
	}
	for _, init := range c.m.Init() {
		if holds(init) {
			continue
		}
		fp := c.fingerprint(&sc, init)
		if mark[fp] == done {
			continue
		}
		stack := []frame{{state: init, fp: fp, acts: c.m.Actions(init, nil)}}
		mark[fp] = open
		var via []A // the action into each frame but the first
		for len(stack) > 0 {
			top := &stack[len(stack)-1]
			if top.next == 0 && !hasSuccessor(c.m, top.state, top.acts) {
				return pathOf(stack, via, func(f frame) S { return f.state }), -1 // a dead end
			}
			advanced := false
			for top.next < len(top.acts) {
				a := top.acts[top.next]
				top.next++
				next, ok := c.m.Next(top.state, a)
				if !ok || holds(next) {
					continue
				}
				nfp := c.fingerprint(&sc, next)
				switch mark[nfp] {
				case open: // a cycle back into the current path
					tr := pathOf(stack, via, func(f frame) S { return f.state })
					tr.Steps = append(tr.Steps, Step[S, A]{Action: a, State: next})
					for k, f := range stack {
						if f.fp == nfp {
							return tr, k
						}
					}
				case done:
					continue
				}
				mark[nfp] = open
				stack = append(stack, frame{state: next, fp: nfp, acts: c.m.Actions(next, nil)})
				via = append(via, a)
				advanced = true
				break
			}
			if !advanced {
				mark[top.fp] = done
				stack = stack[:len(stack)-1]
				if len(via) > 0 {
					via = via[:len(via)-1]
				}
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

// pathOf is the trace along a depth-first stack: its first state, then each action and state.
func pathOf[S, A, F any](stack []F, via []A, state func(F) S) *Trace[S, A] {
	tr := &Trace[S, A]{Init: state(stack[0])}
	for k := 1; k < len(stack); k++ {
		tr.Steps = append(tr.Steps, Step[S, A]{Action: via[k-1], State: state(stack[k])})
	}
	return tr
}
