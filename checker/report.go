package checker

// Report is a check's outcome with states and actions rendered as text, independent of the
// model's types: the JSON object of the CLI's --json (see DESIGN.md) and of the playground.
type Report struct {
	Target        string           `json:"target"`
	Strategy      string           `json:"strategy"`
	States        int64            `json:"states"` // generated, counting initial states
	Unique        int64            `json:"unique"`
	Depth         int              `json:"depth"`
	Complete      bool             `json:"complete"`
	DurationMS    int64            `json:"duration_ms"`
	Workers       int              `json:"workers"`
	Walks         int64            `json:"walks,omitempty"`
	BytesPerState float64          `json:"bytes_per_state"`
	Properties    []PropertyReport `json:"properties"`
}

// PropertyReport is the verdict on one property. Trace, for a violation or a witness, starts
// with the initial state (action "init"); its length in actions is len(Trace)-1.
type PropertyReport struct {
	Name        string      `json:"name"`
	Expectation string      `json:"expectation"`
	Status      string      `json:"status"`
	Trace       []TraceStep `json:"trace"`
}

// TraceStep is one step of a rendered trace: the action taken and the state it led to.
type TraceStep struct {
	Action string `json:"action"`
	State  string `json:"state"`
}

// InitAction is the action of a rendered trace's first step.
const InitAction = "init"

// NewReport renders r with m's formatters (StateFormatter, ActionFormatter, else %v).
func NewReport[S, A any](m Model[S, A], target string, r Result[S, A]) Report {
	rep := Report{
		Target:        target,
		Strategy:      r.Strategy.String(),
		States:        r.Generated,
		Unique:        r.Unique,
		Depth:         r.Depth,
		Complete:      r.Complete,
		DurationMS:    r.Duration.Milliseconds(),
		Workers:       r.Workers,
		Walks:         r.Walks,
		BytesPerState: r.BytesPerState(),
		Properties:    []PropertyReport{},
	}
	for _, p := range r.Properties {
		pr := PropertyReport{Name: p.Name, Expectation: p.Expect.String(), Status: p.Status.String()}
		if p.Trace != nil {
			pr.Trace = RenderTrace(m, p.Trace)
		}
		rep.Properties = append(rep.Properties, pr)
	}
	return rep
}

// RenderTrace renders a trace, its initial state first.
func RenderTrace[S, A any](m Model[S, A], tr *Trace[S, A]) []TraceStep {
	steps := []TraceStep{{Action: InitAction, State: StateString(m, tr.Init)}}
	prev := tr.Init
	for _, st := range tr.Steps {
		steps = append(steps, TraceStep{Action: actionLabel(m, prev, st.Action), State: StateString(m, st.State)})
		prev = st.State
	}
	return steps
}

// Violated reports whether any property was violated.
func (r Report) Violated() bool {
	for _, p := range r.Properties {
		if p.Status == Violated.String() {
			return true
		}
	}
	return false
}
