package playground

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
	"github.com/themelios/themelios/wasm/protocol"
)

// DefaultTarget is the scenario the playground opens with.
const DefaultTarget = "replicaset/spec-replicas-change"

// Playground is the playground page. It holds what the page is about (the settings, the check
// in a worker and its side-by-side one, the trace on display) and does what its panels ask
// (run, cancel, step, take, open a link); each panel is a component of its own that renders
// from what the page gives it, again only when that changes (go-app compares a component's
// fields): StartPanel, ControlsPanel, StatusPanel, ResultsPanel, ComparePanel, TracePanel and
// GraphPanel. How a panel shows things (Advanced open, changes only, the tables open, a
// drawing's zoom) is its own.
type Playground struct {
	app.Compo

	target    string
	values    []string // the target's parameter values, by Entry.Params index
	strategy  string
	maxStates string
	maxDepth  string
	timeout   string // seconds
	seed      string

	runner   runner
	status   runStatus
	runID    int
	progress *protocol.Progress
	report   *checker.Report
	err      string

	shown *shown // the trace on display, from a check or explored by hand
	step  int    // selected step of it
	link  string // the last copied permalink

	graph     bool // capture the state graph in the next check
	symmetry  bool // explore one state per orbit of the model's symmetry
	keepGoing bool // explore on after a violation

	undo []*shown // the traces on display before each step taken by hand, newest last
	// explorer follows runs of the model (explore, the actions enabled at a step, the trace's
	// graph); explores counts the explorations asked for, so that a late answer to an older
	// one is dropped.
	explorer  explorer
	explores  int
	replaying bool // a link's trace is being replayed
	// page is the page's own context once mounted: the explorer answers through it, since the
	// control that asked may be gone by then (go-app drops what is dispatched to an element no
	// longer on the page).
	page    app.Context
	mounted bool

	cmp     comparison // the side-by-side check
	autoRun bool       // a link opened a comparison: check it once mounted
	// keepShown keeps the trace a link replayed on display while its comparison is checked;
	// linkTrace says that the link opened last carries a trace (on display, or still being
	// replayed by the explorer).
	keepShown, linkTrace bool
}

// shown is a trace on display: its steps, its path (action indices) and the actions enabled at
// the selected step (for exploring by hand).
type shown struct {
	title string
	steps []checker.TraceStep
	path  []int
	next  []checker.Choice
	// choices remembers the actions enabled at each step, by step, as the explorer listed them
	// (it replays the path once, whatever the steps asked for).
	choices map[int][]checker.Choice
	asking  map[int]bool // the steps whose actions are asked for, not yet answered
	loop    int          // for a lasso, the step whose state the last step returns to; -1 for none
	// property is the violated safety property whose counterexample this is, which a link
	// carries (targets.LinkProperty); "" for another trace.
	property string
	step     int // the step selected when it was left (for Undo)
}

// steps says "1 step" or "n steps".
func steps(n int) string {
	if n == 1 {
		return "1 step"
	}
	return fmt.Sprintf("%d steps", n)
}

// lassoTitle titles a trace, saying which steps repeat forever for a lasso.
func lassoTitle(name string, n, loop int) string {
	t := name + ": " + steps(n)
	if loop >= 0 {
		t += fmt.Sprintf(", then steps %d–%d repeat forever", loop+1, n)
	}
	return t
}

// OnInit sets the defaults.
func (p *Playground) OnInit() {
	p.resetSearch()
	p.graph, p.symmetry = true, true
	p.selectTarget(DefaultTarget)
	p.runner = newRunner()
	p.explorer = newExplorer()
}

// OnMount starts the tab's checker worker if it has none, restores the page from a permalink in the URL, and
// listens to the keyboard for the trace stepper (←/→ and j/k).
func (p *Playground) OnMount(ctx app.Context) {
	p.page, p.mounted = ctx, true
	p.runner.prepare(ctx) // the checker's worker loads while the reader looks around
	if f := fragment(); f != "" {
		p.openLink(ctx, f)
	}
	// A permalink pasted into the open tab (or back and forward through them) opens as a new
	// visit would; the page's own address updates (syncAddress) make no such event.
	onFragment(ctx, func(_ app.Context, f string) {
		if f != "" && f != p.Link() {
			p.openLink(ctx, f)
		}
	})
	app.Window().Call("addEventListener", "keydown", app.FuncOf(func(_ app.Value, args []app.Value) any {
		if len(args) == 0 {
			return nil
		}
		key := args[0].Get("key").String()
		tag := strings.ToLower(args[0].Get("target").Get("tagName").String())
		if tag == "input" || tag == "select" || tag == "textarea" {
			return nil
		}
		ctx.Dispatch(func(ctx app.Context) { p.key(ctx, key) })
		return nil
	}))
}

// OnDismount stops the checks that run, if any, and frees the explorer's worker: the reader left
// the page (the tab keeps an idle checker worker for the next page's checks).
func (p *Playground) OnDismount() {
	p.runner.close()
	p.explorer.close()
	if p.cmp.runner != nil {
		p.cmp.runner.close()
	}
}

// resetSearch puts the search's settings back to the page's defaults: breadth first, no depth
// bound, the default state bound and time limit, seed 0, stop at the first violation (then
// selectTarget sets a scenario's own state bound, if it suggests one).
func (p *Playground) resetSearch() {
	p.strategy, p.maxStates, p.maxDepth, p.seed, p.keepGoing = "bfs", strconv.Itoa(protocol.DefaultMaxStates), "0", "0", false
	p.timeout = strconv.Itoa(int(protocol.DefaultTimeout / time.Second))
}

// entry returns the selected catalog entry.
func (p *Playground) entry() targets.Entry {
	e, _ := targets.Lookup(p.target)
	return e
}

func (p *Playground) selectTarget(name string) {
	e, ok := targets.Lookup(name)
	if !ok {
		return
	}
	p.target = name
	p.values = make([]string, len(e.Params))
	for i, par := range e.Params {
		p.values[i] = par.Default
	}
	if e.MaxStates > 0 {
		p.maxStates = strconv.FormatInt(e.MaxStates, 10)
	}
	p.settingsChanged()
}

// settingsChanged drops what was found with the previous scenario or settings: the results,
// the trace on display (which need not be a run of the new model: a link made from it could
// not be replayed) and the graph. A check still running is stopped. (The controls' handlers
// then sync the address bar; not here: the page's first selection must not overwrite the link
// it opens with.)
func (p *Playground) settingsChanged() {
	p.stop()
	p.keepShown = false
	p.stopCompare()
	p.cmp.report, p.cmp.err = nil, ""
	if i := p.paramIndex(p.cmp.param); p.comparing() && (i < 0 || i >= len(p.values) || p.values[i] == p.cmp.value) {
		p.setCompare(p.cmp.param) // the compared setting is gone, or the left side took its value
	}
	p.report, p.progress, p.err, p.shown, p.step, p.link, p.undo, p.status = nil, nil, "", nil, 0, "", nil, runIdle
	p.explores++ // an exploration still asked for is of the old settings
	p.replaying = false
}

// syncAddress keeps a permalink in the address bar true to the page: once the page's address
// carries one (the page was opened from a link, or Copy link put one there), it follows the
// settings and the trace on display, so that it never keeps a trace (&t=) the page no longer
// shows.
func (p *Playground) syncAddress() {
	if fragment() != "" {
		setFragment(p.Link())
	}
}

// request builds the check request from the controls, or says what is wrong with them.
func (p *Playground) request() (protocol.Request, error) {
	var bad []string
	num := func(name, v string, hi int64, unit string) int64 {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil || n < 0 || n > hi {
			bad = append(bad, fmt.Sprintf("%s must be a whole number from 0 to %s%s", name, checker.Thousands(hi), unit))
			return 0
		}
		return n
	}
	seed, err := strconv.ParseUint(strings.TrimSpace(p.seed), 10, 64)
	if err != nil {
		bad = append(bad, fmt.Sprintf("seed must be a whole number from 0 to %d", uint64(math.MaxUint64)))
	}
	req := protocol.Request{Type: protocol.TypeCheck, ID: p.runID + 1, Target: p.target, Strategy: p.strategy,
		MaxStates: num("max states", p.maxStates, protocol.MaxMaxStates, ""), MaxDepth: int(num("max depth", p.maxDepth, math.MaxInt32, "")),
		TimeoutMS: num("time limit", p.timeout, int64(protocol.MaxTimeout/time.Second), " seconds") * 1000, Seed: seed, Graph: p.graph, Symmetry: p.symmetry, KeepGoing: p.keepGoing}
	for i, par := range p.entry().Params {
		req.Sets = append(req.Sets, par.Name+"="+p.values[i])
	}
	if _, err := p.entry().Resolve(req.Sets); err != nil {
		bad = append(bad, err.Error())
	}
	if len(bad) > 0 {
		return req, fmt.Errorf("%s", strings.Join(bad, "; "))
	}
	return req, nil
}

// run starts a check.
func (p *Playground) run(ctx app.Context) {
	req, err := p.request()
	if err != nil {
		// The previous check's verdicts would read as this one's.
		p.err, p.report, p.progress, p.status = err.Error(), nil, nil, runIdle
		return
	}
	p.runID = req.ID
	p.status, p.progress, p.report, p.err = runRunning, nil, nil, ""
	if !p.keepShown {
		p.shown, p.step, p.undo = nil, 0, nil
		p.explores++ // an exploration still asked for would put a trace back
	}
	p.runner.start(p.answerTo(ctx), req, p.receive) // the control clicked may be gone by the answer
	p.startCompare(ctx, req)
}

// openLink opens a permalink (open; a check running with the old settings is stopped there) and
// checks the comparison it carries.
func (p *Playground) openLink(ctx app.Context, fragment string) {
	p.open(ctx, fragment)
	p.runOpened(ctx)
}

// runOpened checks the comparison a link opened (a trace it carries stays on display).
func (p *Playground) runOpened(ctx app.Context) {
	if p.autoRun {
		p.autoRun = false
		p.keepShown = p.linkTrace
		p.run(ctx)
	}
}

// receive handles a message from the worker.
func (p *Playground) receive(ctx app.Context, r protocol.Response) {
	if r.ID != p.runID && r.ID != 0 {
		return
	}
	switch r.Type {
	case protocol.TypeProgress:
		p.progress = r.Progress
	case protocol.TypeResult:
		p.status, p.report = p.status.finish(), r.Report
		if !p.keepShown {
			p.showBest(ctx)
		}
	case protocol.TypeError:
		p.status, p.err = runFailed, r.Error
	}
}

// showBest displays the check's most telling trace, if it has one: a violation's rather than a
// witness's.
func (p *Playground) showBest(ctx app.Context) {
	if p.report == nil {
		return
	}
	best := -1
	for i, pr := range p.report.Properties {
		if pr.Trace != nil && (best < 0 || pr.Status == "violated" && p.report.Properties[best].Status != "violated") {
			best = i
		}
	}
	if best >= 0 {
		p.showProperty(ctx, best)
	}
}

// cancel interrupts the running check (and the side-by-side one): the page is free at once,
// and the verdicts the search reached arrive after, marked partial.
func (p *Playground) cancel(ctx app.Context) {
	if !p.status.running() && !p.cmp.status.running() {
		return
	}
	if p.status.running() {
		if p.runner != nil {
			p.runner.interrupt(ctx)
		}
		p.status = runCancelled
	}
	if p.cmp.status.running() {
		if p.cmp.runner != nil {
			p.cmp.runner.interrupt(ctx)
		}
		p.cmp.status = runCancelled
	}
}

// stop ends the check in progress, if any (one cancelled and still delivering its partial
// verdicts too), and ignores its messages from now on.
func (p *Playground) stop() {
	if p.runner != nil {
		p.runner.cancel()
	}
	if p.status.running() {
		p.status = runIdle
	}
	p.runID++ // a message of the old check has the old ID
}

// showProperty displays property i's trace.
func (p *Playground) showProperty(ctx app.Context, i int) {
	pr := p.report.Properties[i]
	p.shown = &shown{title: lassoTitle(pr.Name, len(pr.Trace)-1, pr.LoopIndex()), steps: pr.Trace, path: pr.Path, loop: pr.LoopIndex(),
		property: targets.LinkProperty(&pr)}
	p.undo = nil
	p.explores++ // an exploration still asked for would replace this trace
	p.setStep(ctx, 0)
	p.syncAddress()
}

// trace returns the steps on display.
func (p *Playground) trace() []checker.TraceStep {
	if p.shown == nil {
		return nil
	}
	return p.shown.steps
}

// runRequest is a request about the run along path of the model the controls set (typ:
// protocol.TypeExplore, TypeChoices or TypeGraph).
func (p *Playground) runRequest(typ string, path []int) (protocol.Request, error) {
	req, err := p.request()
	if err != nil {
		return protocol.Request{}, err
	}
	return protocol.Request{Type: typ, Target: p.target, Sets: req.Sets, Path: path}, nil
}

// explore asks for the run along path (from the initial state) and displays it at its last
// step, unless another exploration or trace took its place meanwhile; then gets nil once it
// is on display, or why it cannot be (natively at once, in the browser when the explorer
// answers).
func (p *Playground) explore(ctx app.Context, path []int, title string, then func(error)) {
	req, err := p.runRequest(protocol.TypeExplore, path)
	if err != nil {
		then(err)
		return
	}
	p.explores++
	id := p.explores
	p.explorer.ask(p.answerTo(ctx), req, func(ctx app.Context, r protocol.Response) {
		if id != p.explores {
			return // a newer exploration or trace is on display
		}
		if r.Type != protocol.TypeExplored {
			then(fmt.Errorf("%s", r.Error))
			return
		}
		p.shown = &shown{title: title, steps: r.Explored.Steps, path: path, loop: -1, choices: map[int][]checker.Choice{len(path): listed(r.Explored.Next)}}
		p.setStep(ctx, len(path))
		p.syncAddress()
		then(nil)
	})
}

// answerTo is the context a worker answers a request made from ctx through: the page's.
func (p *Playground) answerTo(ctx app.Context) app.Context {
	if p.mounted {
		return p.page
	}
	return ctx
}

// setStep selects step i and lists the actions enabled there, asking the explorer for them
// the first time the step is selected (it replays the path once for all its steps).
func (p *Playground) setStep(ctx app.Context, i int) {
	p.step = i
	// The list of the step before scrolls in the same room: the new one starts at its top.
	if box := app.Window().GetElementByID("enabled"); box.Truthy() {
		box.Set("scrollTop", 0)
	}
	if p.shown == nil || p.shown.path == nil && i > 0 {
		return
	}
	p.shown.next = nil
	if next, ok := p.shown.choices[i]; ok {
		p.shown.next = next
		return
	}
	if i > len(p.shown.path) {
		return
	}
	req, err := p.runRequest(protocol.TypeChoices, p.shown.path)
	if err != nil {
		return
	}
	req.Step = i
	sh := p.shown
	if sh.asking[i] {
		return // asked already: the answer shows when it comes
	}
	if sh.asking == nil {
		sh.asking = map[int]bool{}
	}
	sh.asking[i] = true
	p.explorer.ask(p.answerTo(ctx), req, func(_ app.Context, r protocol.Response) {
		delete(sh.asking, i)
		if sh.choices == nil {
			sh.choices = map[int][]checker.Choice{}
		}
		if r.Type != protocol.TypeExplored {
			sh.choices[i] = nil // answered: they cannot be listed
			if p.shown == sh && p.step == i {
				p.err = "The actions enabled at this step cannot be listed: " + r.Error
			}
			return
		}
		sh.choices[i] = listed(r.Explored.Next)
		if p.shown == sh && p.step == i {
			sh.next = sh.choices[i]
		}
	})
}

// listed is the explorer's list of the actions enabled at a step as the page keeps it: never
// nil (none enabled is an empty list; nil is kept for a step whose actions could not be
// listed).
func listed(next []checker.Choice) []checker.Choice {
	if next == nil {
		return []checker.Choice{}
	}
	return next
}

// take follows enabled action j from the selected step, dropping the steps after it (a branch).
func (p *Playground) take(ctx app.Context, j int) {
	if p.shown == nil || p.step > len(p.shown.path) {
		return
	}
	path := append(append([]int(nil), p.shown.path[:p.step]...), j)
	before := p.shown
	step := p.step
	p.explore(ctx, path, "Exploring by hand: "+steps(len(path)), func(err error) {
		if err != nil {
			p.err = err.Error()
			return
		}
		b := *before
		b.step = step
		p.undo = append(p.undo, &b)
	})
}

// undoStep goes back to the trace and step on display before the last step taken by hand.
func (p *Playground) undoStep(ctx app.Context) {
	if len(p.undo) == 0 {
		return
	}
	prev := p.undo[len(p.undo)-1]
	p.undo = p.undo[:len(p.undo)-1]
	p.shown = prev
	p.explores++
	p.setStep(ctx, prev.step)
	p.syncAddress()
}

// key moves through the trace: ←/k back, →/j forward.
func (p *Playground) key(ctx app.Context, k string) {
	n := len(p.trace())
	switch k {
	case "ArrowRight", "j":
		if p.step+1 < n {
			p.setStep(ctx, p.step+1)
		} else if p.shown != nil && p.shown.loop >= 0 {
			p.setStep(ctx, p.shown.loop+1) // round the cycle again
		}
	case "ArrowLeft", "k":
		if p.step > 0 {
			p.setStep(ctx, p.step-1)
		}
	}
}

// baseLink is the permalink of the controls (and the comparison), without a trace.
func (p *Playground) baseLink() targets.Link {
	req, _ := p.request()
	return targets.Link{Target: p.target, Sets: req.Sets, Strategy: p.strategy, MaxStates: req.MaxStates, MaxDepth: req.MaxDepth,
		TimeoutS: req.TimeoutMS / 1000, Seed: req.Seed, Symmetry: p.symmetry, KeepGoing: p.keepGoing, Compare: p.rightSets(req.Sets)}
}

// Link returns the permalink fragment of the controls and the trace on display.
func (p *Playground) Link() string {
	l := p.baseLink()
	if p.shown != nil && p.shown.path != nil {
		l.Trace = p.shown.path[:min(len(p.shown.path), len(p.shown.steps)-1)]
		if loop := p.shown.loop; loop >= 0 {
			l.Loop = &loop
		}
		l.Property = p.shown.property
	}
	return l.Fragment()
}

// open restores the page from a permalink fragment: the controls, and the trace it carries.
// A bad link leaves the default scenario and says why.
// setParams sets the target's parameters from name=value settings; it reports a name the
// target does not have (the others are set).
func (p *Playground) setParams(sets []string) error {
	var unknown []string
	for _, s := range sets {
		name, v, _ := strings.Cut(s, "=")
		found := false
		for i, par := range p.entry().Params {
			if par.Name == name {
				p.values[i], found = v, true
			}
		}
		if !found {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		return fmt.Errorf("%s has no setting %s", p.target, strings.Join(unknown, ", "))
	}
	return nil
}

func (p *Playground) open(ctx app.Context, fragment string) {
	p.linkTrace = false
	l, err := targets.ParseLink(fragment)
	if err != nil {
		p.selectTarget(DefaultTarget)
		p.err = "This link cannot be opened: " + err.Error()
		return
	}
	p.selectTarget(l.Target)
	p.setParams(l.Sets)
	if l.Strategy != "" {
		p.strategy = l.Strategy
	}
	p.symmetry, p.keepGoing = l.Symmetry, l.KeepGoing
	p.setCompare("")
	if l.Compare != nil {
		if err := p.compareFromLink(l.Sets, l.Compare); err != nil {
			p.err = "This link's comparison cannot be opened: " + err.Error()
		} else {
			p.autoRun = true
		}
	}
	p.maxStates, p.maxDepth, p.seed = strconv.FormatInt(l.MaxStates, 10), strconv.Itoa(l.MaxDepth), strconv.FormatUint(l.Seed, 10)
	if l.TimeoutS > 0 {
		p.timeout = strconv.FormatInt(l.TimeoutS, 10)
	}
	if l.MaxStates == 0 {
		p.maxStates = strconv.Itoa(protocol.DefaultMaxStates)
	}
	p.linkTrace = l.Trace != nil
	if l.Trace == nil {
		p.syncAddress()
	} else {
		// The address keeps the link's trace while it is replayed (syncAddress would drop it).
		p.replaying = true
		p.explore(ctx, l.Trace, lassoTitle("Trace from a link", len(l.Trace), -1), func(err error) {
			p.replaying = false
			if err != nil {
				p.syncAddress()
				p.err = "This link's trace cannot be replayed: " + err.Error()
				p.linkTrace, p.keepShown = false, false // the comparison's own trace shows instead
				if p.shown == nil {
					p.showBest(ctx) // its check may be done already
				}
				return
			}
			if l.Loop != nil {
				p.shown.loop, p.shown.title = *l.Loop, lassoTitle("Trace from a link", len(l.Trace), *l.Loop)
				p.syncAddress()
			}
			if l.Property != "" {
				// Titled as the check titled it, once the replay shows the violation: a path
				// replays another run on a model that changed since the link was made.
				if last := p.shown.steps[len(p.shown.steps)-1]; slices.Contains(last.Violating, l.Property) {
					p.shown.property, p.shown.title = l.Property, lassoTitle(l.Property, len(l.Trace), -1)
				} else {
					p.err = fmt.Sprintf("This link's trace was shared as a violation of “%s”, but its last state does not violate it: the model may have changed since the link was made.", l.Property)
				}
				p.syncAddress()
			}
		})
	}
}

// CLI returns the equivalent themelios command line.
func (p *Playground) CLI() string {
	parts := []string{"themelios check", p.target}
	e := p.entry()
	for i, par := range e.Params {
		if p.values[i] != par.Default {
			parts = append(parts, "--set "+par.Name+"="+p.values[i])
		}
	}
	if p.strategy != "bfs" {
		parts = append(parts, "--strategy "+p.strategy)
		if p.strategy == "simulate" {
			parts = append(parts, "--seed "+p.seed)
		}
	}
	if p.maxDepth != "0" {
		parts = append(parts, "--max-depth "+p.maxDepth)
	}
	if !p.symmetry {
		parts = append(parts, "--symmetry=false")
	}
	if p.keepGoing {
		parts = append(parts, "--keep-going")
	}
	// The page always bounds a check (the CLI by default does not): the same bounds.
	if req, err := p.request(); err == nil {
		o := req.Options()
		parts = append(parts, fmt.Sprintf("--max-states %d --timeout %ds", o.MaxStates, int64(o.Timeout/time.Second)))
	}
	return strings.Join(parts, " ")
}
