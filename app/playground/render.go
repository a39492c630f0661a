package playground

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/wasm/protocol"
)

// Render draws the page.
func (p *Playground) Render() app.UI {
	return app.Div().Class("playground").Body(
		app.Header().Body(
			app.H1().Text("Themelios playground"),
			app.P().Class("tagline").Text("Check a Kubernetes-style control plane against every interleaving, fault and stale read — in your browser."),
			app.Nav().Aria("label", "Tutorials").Body(app.Text("Tutorials: "), app.Range(Tutorials).Slice(func(i int) app.UI {
				return app.A().ID("tutorial-" + Tutorials[i].Slug).Href(TutorialPath + Tutorials[i].Slug).Text(Tutorials[i].Title)
			})),
		),
		app.Main().Body(
			p.renderStart(),
			p.renderControls(),
			p.renderStatus(),
			p.renderResults(),
			p.renderCompare(),
			p.renderTrace(),
			p.renderGraph(),
		),
	)
}

func (p *Playground) renderControls() app.UI {
	e := p.entry()
	var params []app.UI
	for i, par := range e.Params {
		if p.applies(par.Name) {
			params = append(params, p.renderParam(i, par))
		}
	}
	return app.Section().Class("controls").Aria("label", "Scenario").Body(
		app.Div().Class("field").Body(
			app.Label().For("target").Text("Scenario"),
			app.Select().ID("target").OnChange(func(ctx app.Context, ev app.Event) {
				p.selectTarget(ctx.JSSrc().Get("value").String())
				p.syncAddress()
			}).Body(app.Range(catalog.All()).Slice(func(i int) app.UI {
				n := catalog.All()[i].Name
				return app.Option().Value(n).Text(n).Selected(n == p.target)
			})),
			app.Small().Text(e.Summary),
		),
		p.renderCompareControl(),
		app.Details().ID("advanced").Open(p.advanced).Body(
			app.Summary().Text("Advanced: consistency, caches, faults, controllers, strategy and bounds").OnClick(func(_ app.Context, ev app.Event) {
				ev.PreventDefault()
				p.advanced = !p.advanced
			}),
			app.Div().Class("advanced-grid").Body(
				app.Div().Class("params").Body(params...),
				app.Div().Class("field").Body(
					app.Label().For("strategy").Text("Strategy"),
					app.Select().ID("strategy").OnChange(p.bind(&p.strategy)).Body(
						app.Option().Value("bfs").Text("breadth-first (shortest counterexample)").Selected(p.strategy == "bfs"),
						app.Option().Value("dfs").Text("depth-first").Selected(p.strategy == "dfs"),
						app.Option().Value("simulate").Text("random simulation").Selected(p.strategy == "simulate"),
					),
				),
				p.numberField("seed", "Seed (simulation)", &p.seed),
				p.numberField("max-states", "Max distinct states", &p.maxStates),
				p.numberField("max-depth", "Max depth (0: none)", &p.maxDepth),
				p.numberField("timeout", "Time limit (s)", &p.timeout),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("capture-graph").Type("checkbox").Checked(p.graph).OnChange(func(app.Context, app.Event) { p.graph = !p.graph }),
						app.Text(" capture the state graph"),
					),
					app.Small().Text(fmt.Sprintf("the first %d states, for drawing", protocol.GraphNodes)),
				),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("symmetry").Type("checkbox").Checked(p.symmetry).OnChange(func(app.Context, app.Event) { p.symmetry = !p.symmetry; p.syncAddress() }),
						app.Text(" symmetry reduction"),
					),
					app.Small().Text("one state per orbit of interchangeable replicas; same verdicts, concrete traces"),
				),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("keep-going").Type("checkbox").Checked(p.keepGoing).OnChange(func(app.Context, app.Event) { p.keepGoing = !p.keepGoing; p.syncAddress() }),
						app.Text(" keep going after a violation"),
					),
					app.Small().Text("explore every state, so that every property gets a verdict (by default the search stops at the first violation)"),
				),
			),
		),
		app.Div().Class("buttons").Body(
			app.Button().ID("run").Text("Run").Disabled(p.status.running()).OnClick(func(ctx app.Context, _ app.Event) { p.keepShown = false; p.run(ctx) }),
			app.Button().ID("cancel").Text("Cancel").Disabled(!p.status.running() && !p.cmp.status.running()).OnClick(func(ctx app.Context, _ app.Event) { p.cancel(ctx) }),
			app.Button().ID("explore").Text("Explore by hand").OnClick(func(app.Context, app.Event) {
				p.undo = nil
				if err := p.explore([]int{}, "Exploring by hand: 0 steps"); err != nil {
					p.err = err.Error()
				}
			}),
			app.Button().ID("copy-link").Text("Copy link").OnClick(func(ctx app.Context, _ app.Event) { p.copyLink(ctx) }),
		),
		app.P().Class("cli").Body(app.Text("CLI: "), app.Code().ID("cli").Text(p.CLI())),
		app.If(p.link != "", func() app.UI {
			return app.P().Class("cli").Body(
				app.Label().For("permalink").Text("Link: "),
				app.Input().ID("permalink").Type("text").ReadOnly(true).Value(p.link),
			)
		}),
	)
}

// applies reports whether the setting named name means anything with the others as they are:
// the staleness bound and the caches do not under synchronous consistency (every read is of
// the latest revision), so the page hides them then (their values stay).
func (p *Playground) applies(name string) bool {
	if name != "staleness" && name != "cache" {
		return true
	}
	for i, par := range p.entry().Params {
		if par.Name == "consistency" && i < len(p.values) {
			return p.values[i] != "synchronous"
		}
	}
	return true
}

// bind returns a change handler that stores the element's value in v. (Handlers close over
// the component, never over its slices: go-app may keep a handler across renders.)
func (p *Playground) bind(v *string) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		*v = ctx.JSSrc().Get("value").String()
		p.syncAddress()
	}
}

// bindParam returns a change handler that stores the element's value as parameter i.
func (p *Playground) bindParam(i int) app.EventHandler {
	return func(ctx app.Context, _ app.Event) {
		if i < len(p.values) {
			p.values[i] = ctx.JSSrc().Get("value").String()
			p.settingsChanged()
			p.syncAddress()
		}
	}
}

func (p *Playground) numberField(id, label string, v *string) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Input().ID(id).Type("number").Attr("min", "0").Value(*v).OnInput(p.bind(v)),
	)
}

func (p *Playground) renderParam(i int, par catalog.Param) app.UI {
	id := "param-" + par.Name
	var input app.UI
	if len(par.Choices) > 0 {
		input = app.Select().ID(id).OnChange(p.bindParam(i)).Body(app.Range(par.Choices).Slice(func(k int) app.UI {
			return app.Option().Value(par.Choices[k]).Text(par.Choices[k]).Selected(par.Choices[k] == p.values[i])
		}))
	} else {
		input = app.Input().ID(id).Type("text").Value(p.values[i]).OnInput(p.bindParam(i))
	}
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(par.Name),
		input,
		app.Small().Text(par.Help),
	)
}

func (p *Playground) renderStatus() app.UI {
	text := "Ready."
	if g := p.progress; g != nil {
		rate := 0.0
		if g.ElapsedMS > 0 {
			rate = float64(g.States) / (float64(g.ElapsedMS) / 1000)
		}
		text = fmt.Sprintf("%s states · %s unique · depth %d · %s states/s · %.1f s", checker.Thousands(g.States), checker.Thousands(g.Unique), g.Depth, checker.Thousands(int64(rate)), float64(g.ElapsedMS)/1000)
		if g.Liveness > 0 {
			text = fmt.Sprintf("Search done (%s unique states) · deciding the liveness properties: %s states expanded · %.1f s", checker.Thousands(g.Unique), checker.Thousands(g.Liveness), float64(g.ElapsedMS)/1000)
		}
	}
	if p.status.running() && p.progress == nil {
		text = "Starting the checker…"
	}
	if r := p.report; r != nil && !p.status.running() {
		text = fmt.Sprintf("%s distinct states, %s generated, depth %d, %s, %d ms", checker.Thousands(r.Unique), checker.Thousands(r.States), r.Depth, r.Extent(), r.DurationMS)
		if p.status.partial() {
			text = "Partial, cancelled: the verdicts below are those reached so far. " + text
		}
	}
	return app.Section().Class("status").Aria("live", "polite").Body(
		app.P().ID("progress").Text(text),
		app.If(p.err != "" || p.status.partial(), func() app.UI {
			msg := p.err
			if msg == "" {
				msg = "cancelled"
			}
			return app.P().ID("error").Class("error").Text(msg)
		}),
	)
}

func (p *Playground) renderResults() app.UI {
	r := p.report
	if r == nil {
		return app.Section().Class("results")
	}
	return app.Section().Class("results").Aria("label", "Properties").Body(
		app.H2().Text("Properties"),
		app.If(p.status.partial(), func() app.UI {
			return app.P().ID("partial").Class("partial").Text("Partial: the check was cancelled. A ✗ stands (its trace is real); a ? was not checked to the end.")
		}),
		app.Ul().ID("properties").Body(app.Range(r.Properties).Slice(func(i int) app.UI {
			pr := r.Properties[i]
			item := app.Li().Class("property", pr.Status).Body(
				app.Span().Class("mark").Text(map[string]string{"holds": "✓", "violated": "✗"}[pr.Status]+map[bool]string{true: "?"}[pr.Status == "unknown"]),
				term("def-"+strconv.Itoa(i), pr.Doc, app.Span().Class("name").Attr("tabindex", "0").Aria("describedby", "def-"+strconv.Itoa(i)).Text(pr.Name)),
				app.Span().Class("verdict").Text(pr.Verdict(*r)),
			)
			if pr.Trace != nil {
				item = app.Li().Class("property", pr.Status).Body(
					term("def-"+strconv.Itoa(i), pr.Doc, app.Button().Class("show").Aria("describedby", "def-"+strconv.Itoa(i)).Text(pr.Name).OnClick(func(app.Context, app.Event) { p.showProperty(i) })),
					app.Span().Class("mark").Text(map[string]string{"holds": "✓", "violated": "✗"}[pr.Status]),
					app.Span().Class("verdict").Text(pr.Verdict(*r)),
				)
			}
			return item
		})),
	)
}

// term shows a property's name (an element that takes focus, described by the definition) with
// its definition, doc, shown on hover and focus as a tooltip; the name alone when there is none.
func term(id, doc string, name app.UI) app.UI {
	if doc == "" {
		return name
	}
	return app.Span().Class("term").Body(name, app.Span().ID(id).Class("def").Attr("role", "tooltip").Text(doc))
}

func (p *Playground) renderTrace() app.UI {
	tr := p.trace()
	if tr == nil {
		return app.Section().Class("trace")
	}
	step := tr[p.step]
	var lines []app.UI
	if p.changesOnly && p.step > 0 {
		lines = append(lines, app.Text(joinLines(checker.ChangedLines(tr[p.step-1].State, step.State))))
	} else {
		var changed []bool
		if p.step > 0 {
			changed = checker.ChangedRows(tr[p.step-1].State, step.State)
		}
		for i, l := range strings.Split(step.State, "\n") {
			if i > 0 {
				lines = append(lines, app.Text("\n"))
			}
			if changed != nil && changed[i] {
				lines = append(lines, app.Mark().Text(l))
			} else {
				lines = append(lines, app.Text(l))
			}
		}
	}
	return app.Section().Class("trace").Aria("label", "Trace").Body(
		app.H2().ID("trace-title").Text(p.shown.title),
		app.Div().Class("stepper").Body(
			app.Button().ID("prev").Text("← Back").Disabled(p.step == 0).OnClick(func(app.Context, app.Event) { p.key("ArrowLeft") }),
			app.Span().ID("position").Text(p.position()),
			app.Button().ID("next").Text(map[bool]string{false: "Next →", true: "↻ Again"}[p.step+1 >= len(tr) && p.shown.loop >= 0]).
				Disabled(p.step+1 >= len(tr) && p.shown.loop < 0).OnClick(func(app.Context, app.Event) { p.key("ArrowRight") }),
			app.Label().Class("toggle").Body(
				app.Input().ID("changes-only").Type("checkbox").Checked(p.changesOnly).OnChange(func(app.Context, app.Event) { p.changesOnly = !p.changesOnly }),
				app.Text(" changes only"),
			),
		),
		p.renderTimeline(tr),
		app.Div().Class("columns").Body(
			app.Ol().ID("trace").Start(0).Body(
				app.Range(tr).Slice(func(i int) app.UI {
					return app.Li().ID("step-"+strconv.Itoa(i)).Class(map[bool]string{true: "selected"}[i == p.step], map[bool]string{true: "cycle"}[p.shown.loop >= 0 && i > p.shown.loop]).Body(
						app.Button().Body(
							app.Span().Class("step-mark", map[bool]string{true: "bad", false: "good"}[len(tr[i].Violating) > 0]).
								Title(map[bool]string{true: "violates an invariant here", false: "no invariant violated here"}[len(tr[i].Violating) > 0]).
								Text(map[bool]string{true: "✗", false: "✓"}[len(tr[i].Violating) > 0]),
							app.Text(" "+tr[i].Action),
						).OnClick(func(app.Context, app.Event) { p.setStep(i) }),
					)
				}),
				app.If(p.shown.loop >= 0, func() app.UI {
					return app.Li().ID("loop-back").Class("loop-back").Body(
						app.Button().Text(fmt.Sprintf("↻ back to the state of step %d: steps %d–%d repeat forever", p.shown.loop, p.shown.loop+1, len(tr)-1)).
							OnClick(func(app.Context, app.Event) { p.setStep(p.shown.loop + 1) }),
					)
				}),
			),
			app.Div().Class("state").Body(
				app.P().ID("step-action").Class("action").Text(fmt.Sprintf("%d. %s", p.step, step.Action)),
				p.renderStepProperties(step),
				p.renderScene(tr),
				app.Details().ID("tables").Open(p.tablesOpen || decodeScene(step.Scene) == nil).Body(
					app.Summary().Text("kubectl tables").OnClick(func(ctx app.Context, e app.Event) {
						e.PreventDefault()
						p.tablesOpen = !p.tablesOpen
					}),
					app.Pre().ID("state").Body(lines...),
				),
				p.renderNext(),
			),
		),
	)
}

// position says which step is selected and, for a lasso, where the cycle is.
func (p *Playground) position() string {
	n := len(p.trace()) - 1
	text := fmt.Sprintf("step %d of %d", p.step, n)
	if loop := p.shown.loop; loop >= 0 && p.step > loop {
		text += fmt.Sprintf(" · in the cycle (steps %d–%d, forever)", loop+1, n)
	}
	return text
}

// renderStepProperties says which properties the selected step's state violates, and where the
// first violation of the trace is.
func (p *Playground) renderStepProperties(step checker.TraceStep) app.UI {
	first := -1
	for i, st := range p.trace() {
		if len(st.Violating) > 0 {
			first = i
			break
		}
	}
	text := "✓ no invariant is violated here"
	if len(step.Violating) > 0 {
		text = "✗ violated here: " + strings.Join(step.Violating, "; ")
	}
	if first >= 0 && first != p.step {
		text += fmt.Sprintf(" (first violation at step %d)", first)
	}
	return app.P().ID("step-properties").Class(map[bool]string{true: "bad", false: "good"}[len(step.Violating) > 0]).Text(text)
}

// renderNext lists the actions enabled at the selected step, grouped by controller (faults and
// the users' actions last), each step that changes nothing marked: taking one continues the
// run by hand from there (dropping the steps after it); Undo goes back.
func (p *Playground) renderNext() app.UI {
	if p.shown == nil || p.shown.next == nil {
		return app.Div()
	}
	next := p.shown.next
	var groups []string // in order of first appearance, the environment's last
	members := map[string][]int{}
	idle := 0
	for _, env := range []bool{false, true} {
		for j, c := range next {
			if c.Environment != env {
				continue
			}
			g := c.Group
			if env {
				g = "faults and users"
			}
			if g == "" {
				g = "actions"
			}
			if _, ok := members[g]; !ok {
				groups = append(groups, g)
			}
			members[g] = append(members[g], j)
		}
	}
	for _, c := range next {
		if c.Idle || c.Narrowing {
			idle++
		}
	}
	title := fmt.Sprintf("Enabled actions here (%d)", len(next))
	if idle > 0 {
		title = fmt.Sprintf("Enabled actions here (%d, of which %d leave the cluster as it is)", len(next), idle)
	}
	return app.Div().Class("next").Body(
		app.Div().Class("next-head").Body(
			app.H3().Text(title),
			app.Button().ID("undo").Text("↶ Undo").Title("go back to before the last step taken by hand").Disabled(len(p.undo) == 0).
				OnClick(func(app.Context, app.Event) { p.undoStep() }),
		),
		app.If(len(next) == 0, func() app.UI { return app.P().Class("hint").Text("Nothing is enabled: the run ends here.") }),
		app.Div().ID("enabled").Body(app.Range(groups).Slice(func(k int) app.UI {
			g := groups[k]
			return app.Section().Class("next-group").Attr("data-group", g).Body(
				app.H4().Text(g),
				app.Ul().Body(app.Range(members[g]).Slice(func(x int) app.UI {
					j := members[g][x]
					c := next[j]
					b := app.Button().ID("take-" + strconv.Itoa(j)).Class(map[bool]string{true: "idle"}[c.Idle || c.Narrowing]).OnClick(func(app.Context, app.Event) { p.take(j) })
					switch {
					case c.Idle:
						return app.Li().Body(b.Title("leads back to this very state").Body(
							app.Text(c.Action), app.Span().Class("badge").Text("changes nothing")))
					case c.Narrowing:
						return app.Li().Body(b.Title("the cluster stays as it is; only what this controller may read next moves forward (it can no longer read the older revisions), so it adds no behaviour but may rule some out").Body(
							app.Text(c.Action), app.Span().Class("badge").Text("writes nothing")))
					}
					return app.Li().Body(b.Text(c.Action))
				})),
			)
		})),
	)
}

func joinLines(l []string) string {
	s := ""
	for i, x := range l {
		if i > 0 {
			s += "\n"
		}
		s += x
	}
	return s
}

// renderScene draws the picture of the cluster at the selected step, its change from the
// previous step outlined (nothing for a model without scenes).
func (p *Playground) renderScene(tr []checker.TraceStep) app.UI {
	cur := decodeScene(tr[p.step].Scene)
	if cur == nil {
		return app.Text("")
	}
	var prev *orchestration.Scene
	if p.step > 0 {
		prev = decodeScene(tr[p.step-1].Scene)
	}
	scene := app.Div().Class("scene").Body(app.Raw(sceneSVG("cluster", cur, prev, tr[p.step].Action)))
	read := decodeRead(tr[p.step].Read)
	if read == nil || prev == nil {
		return scene
	}
	// What the controller saw beside the latest revision before its step, each picture
	// outlining where it differs from the other.
	latest := storeOnly(prev)
	return app.Div().Body(
		app.Details().ID("saw").Open(true).Body(
			app.Summary().Text(fmt.Sprintf("What %s saw (%s) beside the latest (revision %d)", read.Controller, describeReads(read), read.Latest)),
			app.Div().Class("saw-columns").Body(
				app.Div().Class("scene").Body(app.H3().Text("What it saw"), app.Raw(sceneSVG("saw-view", &read.Saw, &latest, ""))),
				app.Div().Class("scene").Body(app.H3().Text("The latest"), app.Raw(sceneSVG("saw-latest", &latest, &read.Saw, ""))),
			),
		),
		app.H3().Text("After the step"),
		scene,
	)
}

// describeReads says what a step read: "revision 4", or each cache's "pods at 4, jobs at 6".
func describeReads(r *orchestration.StepRead) string {
	var parts []string
	for _, k := range r.Reads {
		if k.Kind == "*" {
			return fmt.Sprintf("revision %d", k.Rev)
		}
		parts = append(parts, fmt.Sprintf("%s at %d", k.Kind, k.Rev))
	}
	return strings.Join(parts, ", ")
}

// renderTimeline draws the trace's reads (timelineSVG), the selected step shaded.
func (p *Playground) renderTimeline(tr []checker.TraceStep) app.UI {
	svg := timelineSVG(tr, p.step)
	if svg == "" {
		return app.Text("")
	}
	return app.Details().ID("timeline-box").Class("timeline").Open(true).Body(
		app.Summary().Text("Timeline: what each controller read (dots) against the latest revision (line); stale reads in red"),
		app.Div().Class("timeline-scroll").Body(app.Raw(svg)),
	)
}
