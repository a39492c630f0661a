package playground

import (
	"fmt"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/models/catalog"
	"github.com/themelios/themelios/wasm/protocol"
)

// TutorialPath is where tutorial pages live: /tutorials/<slug>.
const TutorialPath = "/tutorials/"

// TutorialPage shows a tutorial: its text, rendered at build time, and its scenarios as Run
// widgets.
type TutorialPage struct {
	app.Compo
	tutorial *protocol.Tutorial
	err      string
}

// OnNav loads the tutorial named by the URL.
func (t *TutorialPage) OnNav(ctx app.Context) {
	slug := strings.TrimPrefix(ctx.Page().URL().Path, TutorialPath)
	ctx.Async(func() {
		tu, err := fetchTutorial(slug)
		ctx.Dispatch(func(app.Context) {
			if err != nil {
				t.err = "This tutorial cannot be loaded: " + err.Error()
				return
			}
			t.tutorial = &tu
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
			if b.Run != nil {
				body = append(body, &RunWidget{Widget: *b.Run, Index: i})
			} else {
				body = append(body, app.Raw("<div class=\"md\">"+b.HTML+"</div>"))
			}
		}
	}
	return app.Div().Class("playground", "tutorial").Body(app.Main().Body(body...))
}

// RunWidget is a runnable scenario inside a tutorial: it checks in a worker and compares the
// outcome with the one the text predicts.
type RunWidget struct {
	app.Compo
	Widget protocol.RunWidget
	Index  int

	runner  runner
	running bool
	outcome string
	err     string
}

func (w *RunWidget) run(ctx app.Context) {
	if w.runner == nil {
		w.runner = newRunner()
	}
	w.running, w.outcome, w.err = true, "", ""
	w.runner.start(ctx, w.Widget.Request(1), func(_ app.Context, r protocol.Response) {
		switch r.Type {
		case protocol.TypeResult:
			w.running, w.outcome = false, protocol.Outcome(r.Report)
		case protocol.TypeError:
			w.running, w.err = false, r.Error
		}
	})
}

// Render draws the widget: the scenario, a Run button, the outcome and the claim.
func (w *RunWidget) Render() app.UI {
	id := fmt.Sprintf("widget-%d", w.Index)
	link := "/#" + catalog.Link{Target: w.Widget.Target, Sets: w.Widget.Sets}.Fragment()
	var result app.UI = app.P().Class("claim").Text("The text claims: " + w.Widget.Expect)
	if w.running {
		result = app.P().Class("outcome").Text("Checking…")
	}
	if w.outcome != "" {
		verdict := "✓ as the text says"
		if w.outcome != w.Widget.Expect {
			verdict = "✗ the text says otherwise: " + w.Widget.Expect
		}
		result = app.P().Class("outcome").Body(app.Strong().Text(w.outcome), app.Text(" — "+verdict))
	}
	if w.err != "" {
		result = app.P().Class("error").Text(w.err)
	}
	return app.Div().ID(id).Class("run-widget").Body(
		app.Code().Class("command").Text(w.Widget.Command()),
		app.Div().Class("buttons").Body(
			app.Button().Class("run").Text("Run").Disabled(w.running).OnClick(func(ctx app.Context, _ app.Event) { w.run(ctx) }),
			app.A().Href(link).Text("Open in the playground"),
		),
		result,
	)
}
