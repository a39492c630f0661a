// Package catalog builds the built-in models and scenarios that package targets lists, and
// hides their state and action types behind one interface, so that the CLI and the playground's
// checker can check any of them.
package catalog

import (
	"context"
	"sort"
	"strings"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/classic"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
	"github.com/themelios/themelios/models/targets"
)

// Param and Values are a target's parameters and their resolved values (package targets).
type (
	Param  = targets.Param
	Values = targets.Values
)

// Entry is a built-in model or scenario: what package targets says of it, and how to build its
// model.
type Entry struct {
	targets.Entry
	Build func(Values) (Checkable, error)
}

// Make resolves sets and builds the entry's model.
func (e Entry) Make(sets []string) (Checkable, error) {
	vals, err := e.Resolve(sets)
	if err != nil {
		return nil, err
	}
	return e.Build(vals)
}

// Checkable is a model ready to check, its state and action types hidden.
type Checkable interface {
	// Check runs a check to the end (or a bound) on opts.Workers workers.
	Check(ctx context.Context, target string, opts checker.Options) (checker.Report, error)
	// NewRun prepares a sliced check (see checker.Run).
	NewRun(target string, opts checker.Options) (Run, error)
	// NewPartitionedRun prepares this instance's part of a partitioned check, peer linking it
	// to the others (see checker.NewPartitionedRun; checker.ErrNotPartitionable for a check
	// that cannot be).
	NewPartitionedRun(target string, opts checker.Options, peer checker.Peer) (Run, error)
	// Explore follows a path of action indices from the first initial state (see
	// checker.Replay) and returns the rendered trace and the actions enabled at its end
	// (checker.Choices).
	Explore(path []int) (trace []checker.TraceStep, next []checker.Choice, err error)
	// Replay follows path once (checker.Replay) and keeps its states, so that the actions
	// enabled at each of its steps come without replaying it again (what stepping through a
	// trace needs at each step).
	Replay(path []int) (Replayed, error)
	// TraceGraph is the DOT of the trace that path follows and its one-step neighbourhood,
	// the trace highlighted and every node with its whole state as a tooltip; loop, for a
	// lasso, is the index of the state the last step returns to (-1 for none).
	TraceGraph(path []int, loop int) (dot string, nodes int, err error)
}

// Replayed is a run that Replay followed, its states kept.
type Replayed interface {
	// Choices lists the actions enabled after the run's first i steps (checker.Choices); nil
	// for an i out of the run.
	Choices(i int) []checker.Choice
}

// Run is a sliced check with its types hidden.
type Run interface {
	Step(ctx context.Context, budget int) (done bool)
	Progress() checker.Progress
	Report() (checker.Report, error)
}

// Adapt wraps a model as a Checkable.
func Adapt[S, A any](m checker.Model[S, A]) Checkable { return adapter[S, A]{m} }

type adapter[S, A any] struct{ m checker.Model[S, A] }

func (a adapter[S, A]) Check(ctx context.Context, target string, opts checker.Options) (checker.Report, error) {
	r, err := checker.Check(ctx, a.m, opts)
	return checker.NewReport(a.m, target, r), err
}

func (a adapter[S, A]) NewRun(target string, opts checker.Options) (Run, error) {
	r, err := checker.NewRun(a.m, opts)
	if err != nil {
		return nil, err
	}
	return &run[S, A]{m: a.m, r: r, target: target}, nil
}

func (a adapter[S, A]) NewPartitionedRun(target string, opts checker.Options, peer checker.Peer) (Run, error) {
	r, err := checker.NewPartitionedRun(a.m, opts, peer)
	if err != nil {
		return nil, err
	}
	return &run[S, A]{m: a.m, r: r, target: target}, nil
}

func (a adapter[S, A]) Explore(path []int) ([]checker.TraceStep, []checker.Choice, error) {
	tr, err := checker.Replay(a.m, 0, path)
	if err != nil {
		return nil, nil, err
	}
	return checker.RenderTrace(a.m, tr), checker.Choices(a.m, tr.Last()), nil
}

func (a adapter[S, A]) Replay(path []int) (Replayed, error) {
	tr, err := checker.Replay(a.m, 0, path)
	if err != nil {
		return nil, err
	}
	return replayed[S, A]{m: a.m, tr: tr}, nil
}

type replayed[S, A any] struct {
	m  checker.Model[S, A]
	tr *checker.Trace[S, A]
}

func (r replayed[S, A]) Choices(i int) []checker.Choice {
	switch {
	case i == 0:
		return checker.Choices(r.m, r.tr.Init)
	case i > 0 && i <= len(r.tr.Steps):
		return checker.Choices(r.m, r.tr.Steps[i-1].State)
	}
	return nil
}

func (a adapter[S, A]) TraceGraph(path []int, loop int) (string, int, error) {
	tr, err := checker.Replay(a.m, 0, path)
	if err != nil {
		return "", 0, err
	}
	g := checker.NeighbourhoodGraph(a.m, tr)
	var b strings.Builder
	err = g.WriteDOT(&b, checker.TraceFingerprints(a.m, tr), loop)
	return b.String(), len(g.Nodes), err
}

type run[S, A any] struct {
	m      checker.Model[S, A]
	r      *checker.Run[S, A]
	target string
}

func (r *run[S, A]) Step(ctx context.Context, budget int) bool { return r.r.Step(ctx, budget) }
func (r *run[S, A]) Progress() checker.Progress                { return r.r.Progress() }
func (r *run[S, A]) Report() (checker.Report, error) {
	res := r.r.Result()
	return checker.NewReport(r.m, r.target, res), res.Err
}

// entries lists every built-in entry.
var entries = []Entry{
	{
		Entry: targets.Entry{
			Name:    "classic/two-phase-commit",
			Summary: "Two-phase commit (TLA+ TwoPhase): a transaction manager and resource managers agree to commit or abort",
			Params:  []Param{{Name: "rms", Help: "number of resource managers", Default: "3", Min: 1, Max: classic.MaxRMs}},
		},
		Build: func(v Values) (Checkable, error) {
			m, err := classic.NewTwoPhase(v.Int("rms"))
			if err != nil {
				return nil, err
			}
			return Adapt(m), nil
		},
	},
	{
		Entry: targets.Entry{Name: "classic/die-hard", Summary: "Die Hard water jugs (TLA+ DieHard): measure 4 gallons with a 3- and a 5-gallon jug"},
		Build: func(Values) (Checkable, error) { return Adapt[classic.Jugs, classic.JugAction](classic.DieHard{}), nil },
	},
}

// All returns the entries sorted by name: the classic models, then the built-in scenarios.
func All() []Entry {
	all := append([]Entry(nil), entries...)
	for _, b := range scenario.Builtins() {
		all = append(all, ScenarioEntry(b.Scenario))
	}
	sort.Slice(all, func(i, j int) bool { return all[i].Name < all[j].Name })
	return all
}

// Lookup finds an entry by name.
func Lookup(name string) (Entry, bool) {
	for _, e := range All() {
		if e.Name == name {
			return e, true
		}
	}
	return Entry{}, false
}

// ScenarioEntry makes an entry of a scenario: its parameters are the scenario settings, with
// the scenario's values as defaults.
func ScenarioEntry(s *scenario.Scenario) Entry {
	e := Entry{Entry: targets.Entry{Name: s.Name, Summary: s.Description, MaxStates: s.MaxStates}}
	for _, p := range scenario.Params {
		name := p.Name
		e.Params = append(e.Params, Param{
			Name: name, Help: p.Help, Default: s.Settings.Get(name), Min: p.Min, Max: p.Max, Choices: p.Choices,
			Check: func(v string) error {
				var set scenario.Settings
				return set.Set(name, v)
			},
		})
	}
	e.Build = func(v Values) (Checkable, error) {
		set := s.Settings
		for _, p := range scenario.Params {
			if err := set.Set(p.Name, v.String(p.Name)); err != nil {
				return nil, err
			}
		}
		cfg, err := s.Config(set)
		if err != nil {
			return nil, err
		}
		m, err := orchestration.New(cfg)
		if err != nil {
			return nil, err
		}
		return Adapt[orchestration.State, orchestration.Action](m), nil
	}
	return e
}
