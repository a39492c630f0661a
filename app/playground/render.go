package playground

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
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
			&StartPanel{Running: p.status.running(), Page: p},
			&ControlsPanel{Settings: p.settings(), Running: p.status.running(), Busy: p.status.running() || p.cmp.status.running(),
				CLI: p.CLI(), Link: p.link, Page: p},
			&StatusPanel{Status: p.status, Progress: p.progress, Report: p.report, Err: p.err, Replaying: p.replaying},
			&ResultsPanel{Report: p.report, Partial: p.status.partial(), Page: p},
			p.comparePanel(),
			p.tracePanel(),
			p.renderGraph(),
		),
	)
}

// tracePanel is the trace on display, for its panel.
func (p *Playground) tracePanel() *TracePanel {
	t := &TracePanel{Loop: -1, Step: p.step, CanUndo: len(p.undo) > 0, Page: p}
	if p.shown != nil {
		t.Title, t.Steps, t.Loop, t.Next = p.shown.title, p.shown.steps, p.shown.loop, p.shown.next
		next, asked := p.shown.choices[p.step]
		explorable := p.shown.path != nil && p.step <= len(p.shown.path)
		t.Listing = explorable && !asked
		t.Unlisted = explorable && asked && next == nil
	}
	return t
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

// term shows a property's name (an element that takes focus, described by the definition) with
// its definition, doc, shown on hover and focus as a tooltip; the name alone when there is none.
func term(id, doc string, name app.UI) app.UI {
	if doc == "" {
		return name
	}
	return app.Span().Class("term").Body(name, app.Span().ID(id).Class("def").Attr("role", "tooltip").Text(doc))
}
