package playground

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/scene"
)

// TracePanel is the trace on display: the stepper, the timeline of what each controller read,
// the picture of the cluster at the selected step (with what a controller saw beside the
// latest), the kubectl tables (their changes marked, or the changes only), and the actions
// enabled there, to go on by hand. The page gives it the trace, the step and the actions; it
// keeps how it shows them (changes only, tables open); its buttons step, take and undo on the
// page. It renders again only when what the page gives it changes.
type TracePanel struct {
	app.Compo

	Title    string              // the trace on display: its title,
	Steps    []checker.TraceStep // its steps (nil for no trace),
	Loop     int                 // and for a lasso the step its last step returns to (-1 for none)
	Step     int                 // the selected step
	Next     []checker.Choice    // the actions enabled at Step (nil until listed, and on a trace that cannot be explored)
	Listing  bool                // the actions enabled at Step are asked for (Next is nil until then)
	Unlisted bool                // they were asked for and could not be listed (the page says why)
	CanUndo  bool                // a step was taken by hand
	Page     *Playground         // what its buttons act on

	changesOnly bool // the tables show only the lines that changed
	tablesOpen  bool // the kubectl tables under the picture are shown
}

func (t *TracePanel) Render() app.UI {
	if t.Steps == nil {
		return app.Section().Class("trace")
	}
	tr := t.Steps
	step := tr[t.Step]
	var lines []app.UI
	if t.changesOnly && t.Step > 0 {
		lines = append(lines, app.Text(joinLines(checker.ChangedLines(tr[t.Step-1].State, step.State))))
	} else {
		var changed []bool
		if t.Step > 0 {
			changed = checker.ChangedRows(tr[t.Step-1].State, step.State)
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
		app.H2().ID("trace-title").Text(t.Title),
		app.Div().Class("stepper").Body(
			app.Button().ID("prev").Text("← Back").Disabled(t.Step == 0).OnClick(func(ctx app.Context, _ app.Event) { t.Page.key(ctx, "ArrowLeft") }),
			app.Span().ID("position").Text(t.position()),
			app.Button().ID("next").Text(map[bool]string{false: "Next →", true: "↻ Again"}[t.Step+1 >= len(tr) && t.Loop >= 0]).
				Disabled(t.Step+1 >= len(tr) && t.Loop < 0).OnClick(func(ctx app.Context, _ app.Event) { t.Page.key(ctx, "ArrowRight") }),
			app.Label().Class("toggle").Body(
				app.Input().ID("changes-only").Type("checkbox").Checked(t.changesOnly).OnChange(func(app.Context, app.Event) { t.changesOnly = !t.changesOnly }),
				app.Text(" changes only"),
			),
		),
		t.renderTimeline(tr),
		app.Div().Class("columns").Body(
			app.Ol().ID("trace").Start(0).Body(
				app.Range(tr).Slice(func(i int) app.UI {
					return app.Li().ID("step-"+strconv.Itoa(i)).Class(map[bool]string{true: "selected"}[i == t.Step], map[bool]string{true: "cycle"}[t.Loop >= 0 && i > t.Loop]).Body(
						app.Button().Body(
							app.Span().Class("step-mark", map[bool]string{true: "bad", false: "good"}[len(tr[i].Violating) > 0]).
								Title(map[bool]string{true: "violates an invariant here", false: "no invariant violated here"}[len(tr[i].Violating) > 0]).
								Text(map[bool]string{true: "✗", false: "✓"}[len(tr[i].Violating) > 0]),
							app.Text(" "+tr[i].Action),
						).OnClick(func(ctx app.Context, _ app.Event) { t.Page.setStep(ctx, i) }),
					)
				}),
				app.If(t.Loop >= 0, func() app.UI {
					return app.Li().ID("loop-back").Class("loop-back").Body(
						app.Button().Text(fmt.Sprintf("↻ back to the state of step %d: steps %d–%d repeat forever", t.Loop, t.Loop+1, len(tr)-1)).
							OnClick(func(ctx app.Context, _ app.Event) { t.Page.setStep(ctx, t.Loop+1) }),
					)
				}),
			),
			app.Div().Class("state").Body(
				app.P().ID("step-action").Class("action").Text(fmt.Sprintf("%d. %s", t.Step, step.Action)),
				t.renderStepProperties(step),
				t.renderScene(tr),
				app.Details().ID("tables").Open(t.tablesOpen || decodeScene(step.Scene) == nil).Body(
					app.Summary().Text("kubectl tables").OnClick(func(ctx app.Context, e app.Event) {
						e.PreventDefault()
						t.tablesOpen = !t.tablesOpen
					}),
					app.Pre().ID("state").Body(lines...),
				),
				t.renderNext(),
			),
		),
	)
}

// position says which step is selected and, for a lasso, where the cycle is.
func (t *TracePanel) position() string {
	n := len(t.Steps) - 1
	text := fmt.Sprintf("step %d of %d", t.Step, n)
	if loop := t.Loop; loop >= 0 && t.Step > loop {
		text += fmt.Sprintf(" · in the cycle (steps %d–%d, forever)", loop+1, n)
	}
	return text
}

// renderStepProperties says which properties the selected step's state violates, and where the
// first violation of the trace is.
func (t *TracePanel) renderStepProperties(step checker.TraceStep) app.UI {
	first := -1
	for i, st := range t.Steps {
		if len(st.Violating) > 0 {
			first = i
			break
		}
	}
	text := "✓ no invariant is violated here"
	if len(step.Violating) > 0 {
		text = "✗ violated here: " + strings.Join(step.Violating, "; ")
	}
	if first >= 0 && first != t.Step {
		text += fmt.Sprintf(" (first violation at step %d)", first)
	}
	return app.P().ID("step-properties").Class(map[bool]string{true: "bad", false: "good"}[len(step.Violating) > 0]).Text(text)
}

// undoButton goes back to before the last step taken by hand.
func (t *TracePanel) undoButton() app.UI {
	return app.Button().ID("undo").Text("↶ Undo").Title("go back to before the last step taken by hand").Disabled(!t.CanUndo).
		OnClick(func(ctx app.Context, _ app.Event) { t.Page.undoStep(ctx) })
}

// renderNext lists the actions enabled at the selected step, grouped by controller (faults and
// the users' actions last), each step that changes nothing marked: taking one continues the
// run by hand from there (dropping the steps after it); Undo goes back.
//
// The list comes from the explorer after the step is shown, so it takes the same room while it
// is asked for as once it is shown (playground.css: .next has a fixed height, the list
// scrolls): its arrival moves nothing below it, such as the graph panel's buttons, from under
// a pointer about to click.
func (t *TracePanel) renderNext() app.UI {
	if t.Next == nil && t.Listing {
		return t.nextRoom(app.H3().ID("listing").Text("Listing the actions enabled here…"), app.Div())
	}
	if t.Next == nil && t.Unlisted {
		return t.nextRoom(app.H3().Text("Enabled actions here"),
			app.Div().Body(app.P().Class("hint").Text("They could not be listed (the error above says why).")))
	}
	if t.Next == nil {
		return app.Div()
	}
	next := t.Next
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
	return t.nextRoom(app.H3().Text(title),
		app.Div().ID("enabled").Body(
			app.If(len(next) == 0, func() app.UI { return app.P().Class("hint").Text("Nothing is enabled: the run ends here.") }),
			app.Range(groups).Slice(func(k int) app.UI {
				g := groups[k]
				return app.Section().Class("next-group").Attr("data-group", g).Body(
					app.H4().Text(g),
					app.Ul().Body(app.Range(members[g]).Slice(func(x int) app.UI {
						j := members[g][x]
						c := next[j]
						b := app.Button().ID("take-" + strconv.Itoa(j)).Class(map[bool]string{true: "idle"}[c.Idle || c.Narrowing]).OnClick(func(ctx app.Context, _ app.Event) { t.Page.take(ctx, j) })
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
			}),
		),
	)
}

// nextRoom is the room of the actions enabled at the selected step, the same whether they are
// asked for, listed or could not be listed: heading and Undo above box, which scrolls.
func (t *TracePanel) nextRoom(heading app.UI, box app.HTMLDiv) app.UI {
	return app.Div().Class("next").Body(
		app.Div().Class("next-head").Body(heading, t.undoButton()),
		box.Class("enabled-box"),
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
func (t *TracePanel) renderScene(tr []checker.TraceStep) app.UI {
	cur := decodeScene(tr[t.Step].Scene)
	if cur == nil {
		return app.Text("")
	}
	var prev *scene.Scene
	if t.Step > 0 {
		prev = decodeScene(tr[t.Step-1].Scene)
	}
	scene := app.Div().Class("scene").Body(app.Raw(sceneSVG("cluster", cur, prev, tr[t.Step].Action)))
	read := decodeRead(tr[t.Step].Read)
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
func describeReads(r *scene.StepRead) string {
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
func (t *TracePanel) renderTimeline(tr []checker.TraceStep) app.UI {
	svg := timelineSVG(tr, t.Step)
	if svg == "" {
		return app.Text("")
	}
	return app.Details().ID("timeline-box").Class("timeline").Open(true).Body(
		app.Summary().Text("Timeline: what each controller read (dots) against the latest revision (line); stale reads in red"),
		app.Div().Class("timeline-scroll").Body(app.Raw(svg)),
	)
}
