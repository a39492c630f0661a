package playground

import (
	"fmt"
	"slices"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
	"github.com/themelios/themelios/wasm/protocol"
)

// settings are the controls' values: the scenario, its parameters, the strategy and bounds.
type settings struct {
	Target                                       string
	Values                                       []string // the target's parameter values, by Entry.Params index
	Strategy, MaxStates, MaxDepth, Timeout, Seed string
	Graph, Symmetry, KeepGoing                   bool
	ComparedParam, ComparedValue                 string // the side-by-side setting and its right value ("" for none)
}

// settings is a copy of the page's settings, for the controls.
func (p *Playground) settings() settings {
	return settings{Target: p.target, Values: slices.Clone(p.values), Strategy: p.strategy, MaxStates: p.maxStates,
		MaxDepth: p.maxDepth, Timeout: p.timeout, Seed: p.seed, Graph: p.graph, Symmetry: p.symmetry, KeepGoing: p.keepGoing,
		ComparedParam: p.cmp.param, ComparedValue: p.cmp.value}
}

// applies reports whether the setting named name means anything with the others as they are:
// the staleness bound and the caches do not under synchronous consistency (every read is of
// the latest revision), so the page hides them then (their values stay).
func (s settings) applies(name string) bool {
	if name != "staleness" && name != "cache" {
		return true
	}
	e, _ := targets.Lookup(s.Target)
	for i, par := range e.Params {
		if par.Name == "consistency" && i < len(s.Values) {
			return s.Values[i] != "synchronous"
		}
	}
	return true
}

// ControlsPanel is the scenario and its settings (those that apply), the side-by-side choice,
// the strategy and bounds under "Advanced" (which it keeps open or closed), the buttons (Run,
// Cancel, Explore by hand, Copy link), the equivalent command line and the copied link. The
// page gives it the settings; its inputs change them on the page.
type ControlsPanel struct {
	app.Compo

	Settings settings
	Running  bool        // the page's check runs: Run is off
	Busy     bool        // a check or its comparison runs: Cancel is on
	CLI      string      // the command line of the check
	Link     string      // the link Copy link made ("" for none)
	Page     *Playground // what its inputs and buttons act on

	advanced bool // the settings, strategy and bounds are shown
}

// Render draws the controls.
func (c *ControlsPanel) Render() app.UI {
	p, s := c.Page, c.Settings
	e, _ := targets.Lookup(s.Target)
	var params []app.UI
	for i, par := range e.Params {
		if s.applies(par.Name) && i < len(s.Values) {
			params = append(params, c.renderParam(i, par))
		}
	}
	return app.Section().Class("controls").Aria("label", "Scenario").Body(
		app.Div().Class("field").Body(
			app.Label().For("target").Text("Scenario"),
			app.Select().ID("target").OnChange(func(ctx app.Context, ev app.Event) {
				p.selectTarget(ctx.JSSrc().Get("value").String())
				p.syncAddress()
			}).Body(app.Range(targets.All()).Slice(func(i int) app.UI {
				n := targets.All()[i].Name
				return app.Option().Value(n).Text(n).Selected(n == s.Target)
			})),
			app.Small().Text(e.Summary),
		),
		c.renderCompareControl(e),
		app.Details().ID("advanced").Open(c.advanced).Body(
			app.Summary().Text("Advanced: consistency, caches, faults, controllers, strategy and bounds").OnClick(func(_ app.Context, ev app.Event) {
				ev.PreventDefault()
				c.advanced = !c.advanced
			}),
			app.Div().Class("advanced-grid").Body(
				app.Div().Class("params").Body(params...),
				app.Div().Class("field").Body(
					app.Label().For("strategy").Text("Strategy"),
					app.Select().ID("strategy").OnChange(p.bind(&p.strategy)).Body(
						app.Option().Value("bfs").Text("breadth-first (shortest traces)").Selected(s.Strategy == "bfs"),
						app.Option().Value("dfs").Text("depth-first").Selected(s.Strategy == "dfs"),
						app.Option().Value("simulate").Text("random simulation").Selected(s.Strategy == "simulate"),
					),
				),
				numberField("seed", "Seed (simulation)", s.Seed, p.bind(&p.seed)),
				numberField("max-states", fmt.Sprintf("Max distinct states (0: %s; at most %s)", checker.Thousands(protocol.DefaultMaxStates), checker.Thousands(protocol.MaxMaxStates)), s.MaxStates, p.bind(&p.maxStates)),
				numberField("max-depth", "Max depth (0: none)", s.MaxDepth, p.bind(&p.maxDepth)),
				numberField("timeout", fmt.Sprintf("Time limit in seconds (0: %d; at most %d)", int(protocol.DefaultTimeout/time.Second), int(protocol.MaxTimeout/time.Second)), s.Timeout, p.bind(&p.timeout)),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("capture-graph").Type("checkbox").Checked(s.Graph).OnChange(func(app.Context, app.Event) { p.graph = !p.graph }),
						app.Text(" capture the state graph"),
					),
					app.Small().Text(fmt.Sprintf("the first %d states, for drawing", protocol.GraphNodes)),
				),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("symmetry").Type("checkbox").Checked(s.Symmetry).OnChange(func(app.Context, app.Event) { p.symmetry = !p.symmetry; p.syncAddress() }),
						app.Text(" symmetry reduction"),
					),
					app.Small().Text("one state per orbit of interchangeable nodes and replicas; same verdicts, concrete traces"),
				),
				app.Div().Class("field").Body(
					app.Label().Class("toggle").Body(
						app.Input().ID("keep-going").Type("checkbox").Checked(s.KeepGoing).OnChange(func(app.Context, app.Event) { p.keepGoing = !p.keepGoing; p.syncAddress() }),
						app.Text(" keep going after a violation"),
					),
					app.Small().Text("explore every state, so that every property gets a verdict (by default the search stops at the first violation)"),
				),
			),
		),
		app.Div().Class("buttons").Body(
			app.Button().ID("run").Text("Run").Disabled(c.Running).OnClick(func(ctx app.Context, _ app.Event) { p.keepShown = false; p.run(ctx) }),
			app.Button().ID("cancel").Text("Cancel").Disabled(!c.Busy).OnClick(func(ctx app.Context, _ app.Event) { p.cancel(ctx) }),
			app.Button().ID("explore").Text("Explore by hand").OnClick(func(ctx app.Context, _ app.Event) {
				p.undo = nil
				p.explore(ctx, []int{}, "Exploring by hand: 0 steps", func(err error) {
					if err != nil {
						p.err = err.Error()
					}
				})
			}),
			app.Button().ID("copy-link").Text("Copy link").OnClick(func(ctx app.Context, _ app.Event) { p.copyLink(ctx) }),
		),
		app.P().Class("cli").Body(app.Text("CLI: "), app.Code().ID("cli").Text(c.CLI)),
		app.If(c.Link != "", func() app.UI {
			return app.P().Class("cli").Body(
				app.Label().For("permalink").Text("Link: "),
				app.Input().ID("permalink").Type("text").ReadOnly(true).Value(c.Link),
			)
		}),
	)
}

// numberField is a labelled number input of value, its changes to onInput.
func numberField(id, label, value string, onInput app.EventHandler) app.UI {
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(label),
		app.Input().ID(id).Type("number").Attr("min", "0").Value(value).OnInput(onInput),
	)
}

// renderParam is parameter i's input: a choice, or text.
func (c *ControlsPanel) renderParam(i int, par targets.Param) app.UI {
	id := "param-" + par.Name
	value := c.Settings.Values[i]
	var input app.UI
	if len(par.Choices) > 0 {
		input = app.Select().ID(id).OnChange(c.Page.bindParam(i)).Body(app.Range(par.Choices).Slice(func(k int) app.UI {
			return app.Option().Value(par.Choices[k]).Text(par.Choices[k]).Selected(par.Choices[k] == value)
		}))
	} else {
		input = app.Input().ID(id).Type("text").Value(value).OnInput(c.Page.bindParam(i))
	}
	return app.Div().Class("field").Body(
		app.Label().For(id).Text(par.Name),
		input,
		app.Small().Text(par.Help),
	)
}

// renderCompareControl offers the comparison: a setting with choices, and its right-side value.
func (c *ControlsPanel) renderCompareControl(e targets.Entry) app.UI {
	p, s := c.Page, c.Settings
	var names []string
	compared := -1
	for i, par := range e.Params {
		if len(par.Choices) > 1 && s.applies(par.Name) && i < len(s.Values) {
			names = append(names, par.Name)
		}
		if par.Name == s.ComparedParam {
			compared = i
		}
	}
	return app.Div().Class("field", "compare-control").Body(
		app.Label().For("compare-param").Text("Side by side: also check with"),
		app.Div().Class("compare-pick").Body(
			app.Select().ID("compare-param").OnChange(func(ctx app.Context, _ app.Event) {
				p.setCompare(ctx.JSSrc().Get("value").String())
				p.syncAddress()
			}).Body(
				app.Option().Value("").Text("(nothing: one check)").Selected(s.ComparedParam == ""),
				app.Range(names).Slice(func(k int) app.UI {
					return app.Option().Value(names[k]).Text(names[k]).Selected(names[k] == s.ComparedParam)
				}),
			),
			app.If(compared >= 0 && compared < len(s.Values), func() app.UI {
				var choices []string
				for _, v := range e.Params[compared].Choices {
					if v != s.Values[compared] {
						choices = append(choices, v)
					}
				}
				return app.Select().ID("compare-value").OnChange(func(ctx app.Context, _ app.Event) {
					p.stopCompare() // its check was of the old value
					p.cmp.value, p.cmp.report, p.cmp.err = ctx.JSSrc().Get("value").String(), nil, ""
					p.syncAddress()
				}).Body(app.Range(choices).Slice(func(k int) app.UI {
					return app.Option().Value(choices[k]).Text("= " + choices[k]).Selected(choices[k] == s.ComparedValue)
				}))
			}),
		),
		app.Small().Text("the same scenario under a second value of one setting, checked together: verdicts in two columns, traces next to each other"),
	)
}
