package checker

import "fmt"

// A path names a run by action indices: at each state, the index of the action taken among
// the state's enabled actions (those Next accepts), in the order Actions lists them. Paths are
// how traces travel in permalinks and how a person explores a model step by step.

// Enabled returns the enabled actions of s with their successors, in Actions order.
func Enabled[S, A any](m Model[S, A], s S) []Step[S, A] {
	var sc scratch[S, A]
	return expand(m, s, &sc, nil)
}

// Replay follows path from the initial state init (an index into Init()), returning the trace.
// It fails, saying where, on an index that names no enabled action.
func Replay[S, A any](m Model[S, A], init int, path []int) (*Trace[S, A], error) {
	inits := m.Init()
	if init < 0 || init >= len(inits) {
		return nil, fmt.Errorf("the model has %d initial states, not %d", len(inits), init+1)
	}
	tr := &Trace[S, A]{Init: inits[init]}
	for k, i := range path {
		en := Enabled(m, tr.Last())
		if i < 0 || i >= len(en) {
			return nil, fmt.Errorf("step %d: action %d does not exist (%d actions are enabled)", k+1, i, len(en))
		}
		tr.Steps = append(tr.Steps, en[i])
	}
	return tr, nil
}

// PathOf returns the path of a trace: for each step, the index of the first enabled action
// that reaches the step's state (compared by fingerprint).
func PathOf[S, A any](m Model[S, A], tr *Trace[S, A]) ([]int, error) {
	var buf []byte
	fp := func(s S) uint64 {
		buf = m.Encode(buf[:0], s)
		return fingerprint(buf)
	}
	path := make([]int, 0, len(tr.Steps))
	cur := tr.Init
	for k, st := range tr.Steps {
		want, found := fp(st.State), -1
		for i, e := range Enabled(m, cur) {
			if fp(e.State) == want {
				found = i
				break
			}
		}
		if found < 0 {
			return nil, fmt.Errorf("step %d of the trace is not a step of the model", k+1)
		}
		path = append(path, found)
		cur = st.State
	}
	return path, nil
}

// Choice is an action enabled in a state, described for a person exploring by hand.
type Choice struct {
	Action string `json:"action"` // as ActionString words it
	// Group is the action's group (Fairness: for the orchestration model, the controller whose
	// step it is, or a fault's group), "" for a model without groups; Environment marks the
	// groups of faults and clients.
	Group       string `json:"group,omitempty"`
	Environment bool   `json:"environment,omitempty"`
	// Idle marks a step that leads back to the same state: it changes nothing.
	Idle bool `json:"idle,omitempty"`
	// Narrowing marks a step to a state that the state it leaves covers (Covering): the other
	// runs from there are runs from here too, so it adds no behaviour, but it may rule some out.
	// For the orchestration model: a controller that read a newer revision and wrote nothing,
	// or had its write rejected; the cluster stays as it is, and that controller can no longer
	// read the older revisions.
	Narrowing bool `json:"narrowing,omitempty"`
}

// Choices describes the actions enabled in s, in Actions order (the indices of a path).
func Choices[S, A any](m Model[S, A], s S) []Choice {
	fair, _ := m.(Fairness[A])
	cover, _ := m.(Covering[S])
	here := string(m.Encode(nil, s))
	var out []Choice
	for _, st := range Enabled(m, s) {
		c := Choice{Action: ActionString(m, s, st.Action)}
		if fair != nil {
			g := fair.ActionGroup(st.Action)
			c.Group, c.Environment = g.Name, g.Environment
		}
		c.Idle = string(m.Encode(nil, st.State)) == here
		c.Narrowing = !c.Idle && cover != nil && cover.Covered(s, st.State)
		out = append(out, c)
	}
	return out
}
