package playground

import (
	"errors"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
	"github.com/themelios/themelios/wasm/engine"
	"github.com/themelios/themelios/wasm/protocol"
)

func TestPlaygroundRendersWithTheEngine(t *testing.T) {
	e := app.NewTestEngine()
	p := &Playground{}
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	if p.target != DefaultTarget || len(p.values) != 12 || p.values[0] != "synchronous" || p.CLI() != "themelios check "+DefaultTarget+" --max-states 200000 --timeout 60s" {
		t.Fatalf("defaults: %q %v %q", p.target, p.values, p.CLI())
	}
}

func TestRequestFromControls(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.values[0], p.values[3] = "causal", "2"
	p.strategy, p.seed, p.maxDepth = "simulate", "7", "30"
	req, err := p.request()
	if err != nil {
		t.Fatal(err)
	}
	if req.Target != DefaultTarget || req.Strategy != "simulate" || req.Seed != 7 || req.MaxDepth != 30 || req.TimeoutMS != 60000 ||
		!strings.Contains(strings.Join(req.Sets, " "), "consistency=causal staleness=2 cache=snapshot controllers=2") {
		t.Fatalf("request %+v", req)
	}
	if cli := p.CLI(); cli != "themelios check "+DefaultTarget+" --set consistency=causal --set controllers=2 --strategy simulate --seed 7 --max-depth 30 --max-states 200000 --timeout 60s" {
		t.Fatalf("CLI %q", cli)
	}
	if req, _ := p.request(); !req.Symmetry || !req.Options().Symmetry {
		t.Fatalf("symmetry is not on by default: %+v", req)
	}
	p.symmetry = false
	if req, _ := p.request(); req.Symmetry || req.Options().Symmetry || !strings.Contains(p.CLI(), " --symmetry=false --max-states") {
		t.Fatalf("symmetry: %+v %q", req, p.CLI())
	}
	p.keepGoing = true
	if req, _ := p.request(); !req.KeepGoing || !req.Options().KeepGoing || !strings.Contains(p.CLI(), " --symmetry=false --keep-going --max-states") {
		t.Fatalf("keep going: %+v %q", req, p.CLI())
	}
	// The permalink keeps it.
	q := &Playground{}
	q.OnInit()
	q.open(app.Context{}, p.Link())
	if !q.keepGoing || q.symmetry {
		t.Fatalf("the link lost keep going or symmetry off: %q", p.Link())
	}
	p.symmetry = true
	q.open(app.Context{}, p.Link())
	if !q.symmetry {
		t.Fatalf("the link lost symmetry: %q", p.Link())
	}
	p.values[4], p.maxStates = "99", "lots"
	if _, err := p.request(); err == nil || !strings.Contains(err.Error(), "max states") || !strings.Contains(err.Error(), "nodes must be") {
		t.Fatalf("bad controls: %v", err)
	}
	// Out of range, each said with its range (the time limit in seconds), before any request.
	p.values[4], p.maxStates, p.timeout, p.seed = "2", "99999999999999999999", "601", "18446744073709551615"
	req, err = p.request()
	if err == nil || err.Error() != "max states must be a whole number from 0 to 5,000,000; time limit must be a whole number from 0 to 600 seconds" {
		t.Fatalf("out of range: %v", err)
	}
	if req.Seed != 18446744073709551615 {
		t.Fatalf("seed %d", req.Seed)
	}
	// The CLI line carries the bounds the page applies: its defaults for 0.
	p.maxStates, p.timeout = "0", "0"
	if cli := p.CLI(); !strings.HasSuffix(cli, " --max-states 200000 --timeout 60s") {
		t.Fatalf("CLI %q", cli)
	}
}

// A card tells its story whatever the advanced settings held: its check is breadth first,
// unbounded in depth, stops at the first violation.
func TestCardResetsTheSearch(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.strategy, p.maxDepth, p.keepGoing, p.maxStates, p.timeout = "dfs", "4", true, "5", "1"
	if err := p.setCard(Cards[0]); err != nil {
		t.Fatal(err)
	}
	req, err := p.request()
	if err != nil || req.Strategy != "bfs" || req.MaxDepth != 0 || req.KeepGoing || req.MaxStates != protocol.DefaultMaxStates || req.TimeoutMS != 60000 {
		t.Fatalf("%v %+v", err, req)
	}
}

func TestReceiveAndStep(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.runID, p.status = 4, runRunning
	p.receive(app.Context{}, protocol.Response{Type: protocol.TypeProgress, ID: 3, Progress: &protocol.Progress{Unique: 9}})
	if p.progress != nil {
		t.Fatal("a message of an older run was taken")
	}
	p.receive(app.Context{}, protocol.Response{Type: protocol.TypeProgress, ID: 4, Progress: &protocol.Progress{Unique: 9}})
	rep := &checker.Report{Properties: []checker.PropertyReport{
		{Name: "w", Status: "holds", Trace: []checker.TraceStep{{Action: "init"}, {Action: "a"}}},
		{Name: "v", Status: "violated", Trace: []checker.TraceStep{{Action: "init"}, {Action: "a"}, {Action: "b"}}},
	}}
	p.receive(app.Context{}, protocol.Response{Type: protocol.TypeResult, ID: 4, Report: rep})
	if p.status != runDone || p.shown == nil || p.shown.title != "v: 2 steps" || len(p.trace()) != 3 {
		t.Fatalf("after the result: status %v, shown %+v", p.status, p.shown)
	}
	for _, k := range []string{"ArrowRight", "j", "j", "ArrowLeft"} {
		p.key(app.Context{}, k)
	}
	if p.step != 1 {
		t.Fatalf("step %d, want 1", p.step)
	}
	p.status = runRunning
	p.runner = newRunner()
	p.cancel(app.Context{})
	if p.status != runCancelled || !p.status.partial() {
		t.Fatal("cancel")
	}
	// The cancelled check's verdicts arrive after: partial, still cancelled.
	p.receive(app.Context{}, protocol.Response{Type: protocol.TypeResult, ID: p.runID, Report: rep})
	if p.status != runCancelled || p.report != rep {
		t.Fatalf("after the partial result: status %v", p.status)
	}
	// A new check starts afresh.
	p.status = runIdle
	p.receive(app.Context{}, protocol.Response{Type: protocol.TypeError, ID: p.runID, Error: "boom"})
	if p.status != runFailed || p.err != "boom" {
		t.Fatalf("after an error: status %v, err %q", p.status, p.err)
	}
}

func TestExploreAndLinks(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.selectTarget("classic/die-hard")
	if err := explore(p, []int{}, "x"); err != nil || len(p.trace()) != 1 || len(p.shown.next) != 6 {
		t.Fatalf("explore: %v %+v", err, p.shown)
	}
	p.take(app.Context{}, 1) // FillBigJug
	p.take(app.Context{}, 5) // BigToSmall
	if len(p.trace()) != 3 || p.step != 2 || p.trace()[2].State != "big = 2\nsmall = 3" {
		t.Fatalf("after two actions: %+v", p.trace())
	}
	// Back one step and branch: the later step is dropped.
	p.key(app.Context{}, "ArrowLeft")
	p.take(app.Context{}, 2) // EmptySmallJug from (5,0)
	if got := p.shown.path; len(got) != 2 || got[1] != 2 || p.trace()[2].Action != "EmptySmallJug" {
		t.Fatalf("branch: path %v", got)
	}
	// The permalink restores the scenario, the settings and the trace.
	p.values = nil
	p.selectTarget("classic/two-phase-commit")
	p.values[0] = "2"
	p.symmetry = true
	explore(p, []int{0, 0}, "y")
	link := p.Link()
	q := &Playground{}
	q.OnInit()
	q.open(app.Context{}, "#"+link)
	if q.err != "" || q.target != "classic/two-phase-commit" || q.values[0] != "2" || !q.symmetry || len(q.trace()) != 3 || q.trace()[2].Action != p.trace()[2].Action {
		t.Fatalf("restored: err %q target %s values %v trace %d", q.err, q.target, q.values, len(q.trace()))
	}
	// A tampered link: an error and the default scenario, never a panic.
	r := &Playground{}
	r.OnInit()
	r.open(app.Context{}, "#s=garbage&t=1")
	if !strings.Contains(r.err, "This link cannot be opened") || r.target != DefaultTarget {
		t.Fatalf("bad link: %q %s", r.err, r.target)
	}
	r.open(app.Context{}, "#"+catalogLink("classic/die-hard", []int{99}))
	if !strings.Contains(r.err, "cannot be replayed") {
		t.Fatalf("bad trace: %q", r.err)
	}
}

func catalogLink(target string, trace []int) string {
	return targets.Link{Target: target, Trace: trace}.Fragment()
}

// explore explores path by hand (the native explorer answers at once).
func explore(p *Playground, path []int, title string) error {
	var got error
	p.explore(app.Context{}, path, title, func(err error) { got = err })
	return got
}

// counting is an explorer that counts the requests the playground makes of it.
type counting struct {
	explorer
	asked map[string]int
}

func (c *counting) ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	c.asked[req.Type]++
	c.explorer.ask(ctx, req, on)
}

// Stepping through a trace with the arrow keys neither renders the trace again nor asks twice
// for the actions enabled at a step: they are remembered by step (and the explorer replays the
// trace once for all its steps: wasm/engine's TestExplorerReplaysOnce).
func TestSteppingAsksEachStepOnce(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	c := &counting{explorer: p.explorer, asked: map[string]int{}}
	p.explorer = c
	if err := explore(p, []int{0, 0, 0}, "by hand"); err != nil {
		t.Fatal(err)
	}
	if c.asked[protocol.TypeExplore] != 1 || c.asked[protocol.TypeChoices] != 0 || p.step != 3 || len(p.shown.next) == 0 {
		t.Fatalf("explore: %v, step %d, %d actions", c.asked, p.step, len(p.shown.next))
	}
	want := map[int]int{}
	for range 2 {
		for i := 0; i < 3; i++ {
			p.key(app.Context{}, "ArrowLeft")
			want[p.step] = len(p.shown.next)
		}
		for i := 0; i < 3; i++ {
			p.key(app.Context{}, "ArrowRight")
			if n, ok := want[p.step]; ok && n != len(p.shown.next) {
				t.Fatalf("step %d lists %d actions, %d before", p.step, len(p.shown.next), n)
			}
		}
	}
	if c.asked[protocol.TypeExplore] != 1 || c.asked[protocol.TypeChoices] != 3 {
		t.Fatalf("six steps back and forth twice: %v; want 1 explore and 3 choices", c.asked)
	}
	// What is remembered is what a fresh exploration gives.
	for i := 0; i <= 3; i++ {
		var x engine.Explorer
		r := x.Handle(protocol.Request{Type: protocol.TypeExplore, Target: p.target, Sets: mustRequest(t, p).Sets, Path: p.shown.path[:i]})
		if got, fresh := p.shown.choices[i], r.Explored.Next; len(got) != len(fresh) || len(got) > 0 && got[0] != fresh[0] {
			t.Fatalf("step %d: remembered %v, replayed %v", i, got, fresh)
		}
	}
}

// held is an explorer whose answers arrive when the test says (as a worker's do).
type held struct {
	x       engine.Explorer
	waiting []func()
}

func (h *held) ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	r := h.x.Handle(req)
	h.waiting = append(h.waiting, func() { on(ctx, r) })
}

func (h *held) close() { h.waiting = nil }

// An answer that arrives after another exploration, or a check's trace, took the display does
// not replace what is on display.
func TestLateExplorationDropped(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	h := &held{}
	p.explorer = h
	var first, second error = errNone, errNone
	p.explore(app.Context{}, []int{0}, "first", func(err error) { first = err })
	p.explore(app.Context{}, []int{0, 0}, "second", func(err error) { second = err })
	h.waiting[1]()
	h.waiting[0]()
	if second != nil || first != errNone || p.shown.title != "second" || len(p.trace()) != 3 {
		t.Fatalf("first %v, second %v, on display %q", first, second, p.shown.title)
	}
	// The actions of a step asked for before another trace took the display go to their trace.
	p.key(app.Context{}, "ArrowLeft")
	shownBefore := p.shown
	p.explore(app.Context{}, []int{}, "third", func(error) {})
	h.waiting[2]() // the choices of step 1 of "second"
	h.waiting[3]()
	if p.shown.title != "third" || len(shownBefore.choices[1]) == 0 || p.step != 0 {
		t.Fatalf("on display %q at step %d; second's step 1: %v", p.shown.title, p.step, shownBefore.choices[1])
	}
}

var errNone = errors.New("not answered")

func mustRequest(t *testing.T, p *Playground) protocol.Request {
	t.Helper()
	req, err := p.request()
	if err != nil {
		t.Fatal(err)
	}
	return req
}

// The controls hide the staleness bound and the caches under synchronous consistency, and
// show them under the other levels.
func TestSettingsApply(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.selectTarget("statefulset/stale-reads")
	if err := p.setParams([]string{"consistency=synchronous"}); err != nil {
		t.Fatal(err)
	}
	if s := p.settings(); s.applies("staleness") || s.applies("cache") || !s.applies("consistency") {
		t.Errorf("under synchronous: staleness %v, cache %v", s.applies("staleness"), s.applies("cache"))
	}
	if err := p.setParams([]string{"consistency=causal"}); err != nil {
		t.Fatal(err)
	}
	s := p.settings()
	if !s.applies("staleness") || !s.applies("cache") {
		t.Errorf("under causal: staleness %v, cache %v", s.applies("staleness"), s.applies("cache"))
	}
	// The copy does not share the page's values: a change there is a change of the panel's input.
	p.values[0] = "changed"
	if s.Values[0] == "changed" {
		t.Error("settings share the page's values")
	}
}

// fakeRunner starts nothing: a test delivers the results.
type fakeRunner struct{ started int }

func (f *fakeRunner) start(app.Context, protocol.Request, func(app.Context, protocol.Response)) {
	f.started++
}
func (f *fakeRunner) cancel()               {}
func (f *fakeRunner) interrupt(app.Context) {}
func (f *fakeRunner) prepare(app.Context)   {}
func (f *fakeRunner) close()                {}

// An exploration answered after the settings changed is not displayed: it is a run of the old
// settings (its link would name the new ones).
func TestExplorationAfterSettingsChangeDropped(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	h := &held{}
	p.explorer = h
	p.explore(app.Context{}, []int{0, 0}, "by hand", func(error) {})
	i := p.paramIndex("controllers")
	p.values[i] = "2"
	p.settingsChanged() // what bindParam does
	h.waiting[0]()
	if p.shown != nil {
		t.Errorf("after a settings change, the late answer shows %q (a run of controllers=1) under controllers=%s; link %s", p.shown.title, p.values[i], p.Link())
	}
}

// A step taken by hand and answered after Run cleared the trace neither puts it back nor
// grows the undo stack.
func TestTakeAnsweredAfterRunDropped(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.selectTarget("classic/die-hard")
	if err := explore(p, []int{}, "x"); err != nil {
		t.Fatal(err)
	}
	h := &held{}
	p.explorer = h
	p.runner = &fakeRunner{}
	p.take(app.Context{}, 1)
	p.run(app.Context{}) // Run clicked: the trace on display goes
	h.waiting[0]()
	if p.shown != nil || len(p.undo) != 0 {
		t.Errorf("after Run: shown %v, undo %d", p.shown != nil, len(p.undo))
	}
}

// A link with a comparison and a trace that cannot be replayed, its check's result arriving
// before the explorer's refusal: the check's own trace is shown then.
func TestLinkTraceRefusedAfterTheResult(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	h := &held{}
	p.explorer = h
	p.runner, p.cmp.runner = &fakeRunner{}, &fakeRunner{}
	l := targets.Link{Target: "replicaset/spec-replicas-change", Sets: []string{"consistency=causal"}, Compare: []string{"consistency=synchronous"}, Trace: []int{99}}
	p.open(app.Context{}, l.Fragment())
	if !p.autoRun {
		t.Fatalf("no auto run: %q", p.err)
	}
	p.runOpened(app.Context{})
	var got protocol.Response
	engine.Run(protocol.Request{Type: protocol.TypeCheck, Target: "classic/die-hard", Strategy: "bfs"}, 0, func(r protocol.Response) { got = r })
	got.ID = p.runID
	p.receive(app.Context{}, got)
	h.waiting[0]() // the link's trace: an error
	hasTrace := false
	for _, pr := range p.report.Properties {
		hasTrace = hasTrace || pr.Trace != nil
	}
	if p.shown == nil && hasTrace {
		t.Errorf("the check found a trace, none is shown (err %q)", p.err)
	}
}

// Stepping back and forth over a step whose actions are still asked for asks once.
func TestPendingStepAskedOnce(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	if err := explore(p, []int{0, 0}, "by hand"); err != nil {
		t.Fatal(err)
	}
	h := &held{}
	p.explorer = h
	for _, k := range []string{"ArrowLeft", "ArrowRight", "ArrowLeft", "ArrowLeft", "ArrowRight"} {
		p.key(app.Context{}, k)
	}
	if len(h.waiting) != 2 { // steps 1 and 0; step 2's came with the exploration
		t.Fatalf("%d requests for steps 1 and 0", len(h.waiting))
	}
	for _, w := range h.waiting {
		w()
	}
	if p.step != 1 || p.shown.next == nil || len(p.shown.asking) != 0 {
		t.Fatalf("step %d, %d actions, asking %v", p.step, len(p.shown.next), p.shown.asking)
	}
}

// answering is an explorer whose answers to the choices asked for a step are the test's: the
// rest are the real explorer's.
type answering struct {
	explorer
	choices protocol.Response
}

func (a *answering) ask(ctx app.Context, req protocol.Request, on func(app.Context, protocol.Response)) {
	if req.Type == protocol.TypeChoices {
		on(ctx, a.choices)
		return
	}
	a.explorer.ask(ctx, req, on)
}

// A step where nothing is enabled says so, and a step whose actions cannot be listed (the
// explorer failed) keeps the list's room: the list's room is there whenever the trace can be
// explored, so that nothing below it moves when the answer comes.
func TestEmptyAndUnlistedStepsKeepTheListsRoom(t *testing.T) {
	for _, c := range []struct {
		name   string
		answer protocol.Response
		want   string
	}{
		{"nothing enabled", protocol.Response{Type: protocol.TypeExplored, Explored: &protocol.Explored{}}, "Nothing is enabled: the run ends here."},
		{"not listed", protocol.Response{Type: protocol.TypeError, Error: "the explorer failed"}, "They could not be listed"},
	} {
		p := &Playground{}
		p.OnInit()
		a := &answering{explorer: p.explorer, choices: c.answer}
		p.explorer = a
		if err := explore(p, []int{0, 0}, "by hand"); err != nil {
			t.Fatal(err)
		}
		p.setStep(app.Context{}, 1)
		html := app.HTMLString(p.tracePanel())
		if !strings.Contains(html, c.want) || !strings.Contains(html, `class="enabled-box"`) {
			t.Errorf("%s: the trace panel at step 1 has no %q in the list's room:\n%s", c.name, c.want, html)
		}
	}
}
