package playground

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/targets"
	"github.com/themelios/themelios/wasm/protocol"
)

// TutorialPath is where tutorial pages live: /tutorials/<slug>.
const TutorialPath = "/tutorials/"

// TutorialPage shows a tutorial: its text, rendered at build time, and its scenarios as Run
// widgets. A widget that asks for a prediction hides its explanation (the text after it, up to
// the next heading) until its check has run.
type TutorialPage struct {
	app.Compo
	tutorial *protocol.Tutorial
	err      string
	ran      map[int]bool // the widgets (by block index) whose check has finished
	ctx      app.Context  // the page's, to update it when a widget's check finishes
}

// OnNav loads the tutorial named by the URL, and starts the tab's checker worker, if it has
// none, so that it has loaded (and V8 optimised it) by the reader's first Run.
func (t *TutorialPage) OnNav(ctx app.Context) {
	t.ctx = ctx
	newRunner().prepare(ctx)
	slug := strings.TrimSuffix(strings.TrimPrefix(ctx.Page().URL().Path, TutorialPath), ".html")
	if tu, ok := preloaded(slug); ok {
		t.tutorial, t.ran = &tu, map[int]bool{}
		return
	}
	ctx.Async(func() {
		tu, err := fetchTutorial(slug)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				t.err = "This tutorial cannot be loaded: " + err.Error()
				return
			}
			t.tutorial, t.ran = &tu, map[int]bool{}
		})
	})
}

// Render draws the tutorial.
func (t *TutorialPage) Render() app.UI {
	body := []app.UI{app.P().Body(app.A().Href("/").Text("← Playground"))}
	switch {
	case t.err != "":
		body = append(body, app.P().ID("error").Class("error").Text(t.err))
	case t.tutorial == nil:
		body = append(body, app.P().Text("Loading the tutorial…"))
	default:
		for i, b := range t.tutorial.Blocks {
			switch {
			case b.Run != nil:
				body = append(body, &RunWidget{Widget: *b.Run, Index: i, OnDone: t.done})
			case b.After > 0 && !t.ran[b.After-1]:
				body = append(body, app.P().Class("hidden-explanation").Attr("data-after", b.After-1).
					Text("The explanation shows here once you have made your prediction and run the check above."))
			default:
				body = append(body, app.Raw("<div class=\"md\">"+b.HTML+"</div>"))
			}
		}
	}
	return app.Div().Class("playground", "tutorial").Body(app.Main().Body(body...))
}

// done records that widget i's check finished, and shows its explanation.
func (t *TutorialPage) done(i int) {
	t.ctx.Dispatch(func(app.Context) {
		if t.ran == nil {
			t.ran = map[int]bool{}
		}
		t.ran[i] = true
	})
}

// RunWidget is a runnable scenario inside a tutorial: it asks for the reader's prediction (when
// the text asks one), checks in a worker with progress and a Cancel, and then shows the outcome
// beside the one the text claims, and whether the prediction was right; "Open in the
// playground" then carries the counterexample, replayed there without a second check.
type RunWidget struct {
	app.Compo
	Widget protocol.RunWidget
	Index  int
	OnDone func(index int) // called when the check has finished

	predicted string // "breaks" or "holds", once the reader has chosen
	runner    runner
	runs      int // the checks started (their request IDs)
	status    runStatus
	progress  *protocol.Progress
	report    *checker.Report
	err       string
}

// OnDismount stops the widget's check, if one runs: the reader left the tutorial.
func (w *RunWidget) OnDismount() {
	if w.runner != nil {
		w.runner.close()
	}
}

// prepare starts the tab's checker worker ahead of the widget's check, once the reader has
// predicted, if the tab has none (the page started one as it opened).
func (w *RunWidget) prepare(ctx app.Context) {
	if w.runner == nil {
		w.runner = newRunner()
	}
	w.runner.prepare(ctx)
}

func (w *RunWidget) run(ctx app.Context) {
	if w.runner == nil {
		w.runner = newRunner()
	}
	w.status, w.report, w.progress, w.err = runRunning, nil, nil, ""
	w.runs++
	w.runner.start(ctx, w.Widget.Request(w.runs), func(_ app.Context, r protocol.Response) {
		switch r.Type {
		case protocol.TypeProgress:
			w.progress = r.Progress
		case protocol.TypeResult:
			w.status, w.report = w.status.finish(), r.Report
			if !w.status.partial() && w.OnDone != nil {
				w.OnDone(w.Index)
			}
		case protocol.TypeError:
			w.status, w.err = runFailed, r.Error
		}
	})
}

// cancel interrupts the check: the verdicts reached so far come back, marked partial.
func (w *RunWidget) cancel(ctx app.Context) {
	if w.status.running() && w.runner != nil {
		w.runner.interrupt(ctx)
		w.status = runCancelled
	}
}

// link is the playground link of the widget's check, with its counterexample once there is one.
func (w *RunWidget) link() string {
	l := targets.Link{Target: w.Widget.Target, Sets: w.Widget.Sets, MaxStates: w.Widget.MaxStates, Symmetry: !w.Widget.NoSymmetry}
	if w.report != nil {
		if p := w.report.Counterexample(); p != nil && p.Path != nil {
			l = l.WithTrace(p)
		}
	}
	return "/#" + l.Fragment()
}

// Render draws the widget: the command line, the question (when it asks one), Run and Cancel,
// the progress, then the outcome, the claim and whether the prediction was right.
func (w *RunWidget) Render() app.UI {
	id := fmt.Sprintf("widget-%d", w.Index)
	asks := w.Widget.Ask != ""
	link := w.link()
	var result app.UI = app.Text("")
	switch {
	case w.err != "":
		result = app.P().Class("error").Text(w.err)
	case w.status.running():
		text := "Checking…"
		if g := w.progress; g != nil {
			text = fmt.Sprintf("Checking… %s states, depth %d, %.1f s", checker.Thousands(g.Unique), g.Depth, float64(g.ElapsedMS)/1000)
		}
		result = app.P().Class("outcome", "checking").Text(text)
	case w.report != nil && w.status.partial():
		result = app.P().Class("outcome", "partial").Text("Cancelled: " + protocol.Outcome(w.report) + " (partial: run it to the end to compare with the text)")
	case w.report != nil:
		outcome := protocol.Outcome(w.report)
		verdict := "✓ as the text claims"
		if outcome != w.Widget.Expect {
			verdict = "✗ the text claims otherwise: " + w.Widget.Expect
		}
		var guess app.UI = app.Text("")
		if asks && w.predicted != "" {
			right := (w.predicted == "breaks") == strings.HasPrefix(outcome, "violated")
			guess = app.P().Class("prediction", map[bool]string{true: "right", false: "wrong"}[right]).Text(map[bool]string{
				true:  "Your prediction was right.",
				false: "Your prediction was wrong: read on to see why.",
			}[right])
		}
		result = app.Div().Body(app.P().Class("outcome").Body(app.Strong().Text(outcome), app.Text(" — "+verdict)), guess)
	case !asks:
		result = app.P().Class("claim").Text("Run it to see whether the text's claim holds.")
	}
	var ask app.UI = app.Text("")
	if asks {
		choice := func(key, label string) app.UI {
			return app.Button().Class("predict-"+key, map[bool]string{true: "chosen"}[w.predicted == key]).Aria("pressed", w.predicted == key).
				Disabled(w.status.running() || w.report != nil && !w.status.partial()).Text(label).OnClick(func(ctx app.Context, _ app.Event) {
				w.predicted = key
				w.prepare(ctx) // Run comes next: the checker's worker loads meanwhile
			})
		}
		ask = app.Div().Class("predict").Body(
			app.P().Class("question").Body(app.Strong().Text("Predict: "), app.Text(w.Widget.Ask)),
			app.Div().Class("buttons").Body(
				choice("breaks", "✗ Some run breaks a property"),
				choice("holds", "✓ Every property holds"),
			),
		)
	}
	return app.Div().ID(id).Class("run-widget").Body(
		app.Code().Class("command").Text(w.Widget.Command()),
		ask,
		app.Div().Class("buttons").Body(
			app.Button().Class("run").Text("Run").Disabled(w.status.running() || asks && w.predicted == "").
				Title(map[bool]string{true: "make your prediction first"}[asks && w.predicted == ""]).
				OnClick(func(ctx app.Context, _ app.Event) { w.run(ctx) }),
			app.If(w.status.running(), func() app.UI {
				return app.Button().Class("cancel").Text("Cancel").OnClick(func(ctx app.Context, _ app.Event) { w.cancel(ctx) })
			}),
			app.A().Class("open").Href(link).Text(map[bool]string{true: "Open the counterexample in the playground", false: "Open in the playground"}[strings.Contains(link, "&t=")]),
		),
		result,
	)
}
