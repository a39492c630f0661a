package playground

import (
	"fmt"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/wasm/protocol"
)

// StatusPanel is the line under the controls that says where the page's check stands (a live
// region: screen readers announce it).
type StatusPanel struct {
	app.Compo

	Status   runStatus
	Progress *protocol.Progress // the latest progress of a check under way
	Report   *checker.Report    // the check's report, once done
	Err      string             // what went wrong ("" for nothing)
	// Replaying says that a link's trace is being replayed (by the checker's worker).
	Replaying bool
}

// Render says where the check stands: its progress, its figures once done, an error.
func (s *StatusPanel) Render() app.UI {
	text := "Ready."
	if g := s.Progress; g != nil {
		rate := 0.0
		if g.ElapsedMS > 0 {
			rate = float64(g.States) / (float64(g.ElapsedMS) / 1000)
		}
		text = fmt.Sprintf("%s states · %s unique · depth %d · %s states/s · %.1f s", checker.Thousands(g.States), checker.Thousands(g.Unique), g.Depth, checker.Thousands(int64(rate)), float64(g.ElapsedMS)/1000)
		if g.Liveness > 0 {
			text = fmt.Sprintf("Search done (%s unique states) · deciding the liveness properties: %s states expanded · %.1f s", checker.Thousands(g.Unique), checker.Thousands(g.Liveness), float64(g.ElapsedMS)/1000)
		}
	}
	if s.Status.running() && s.Progress == nil {
		text = "Starting the checker…"
	}
	if s.Replaying && !s.Status.running() {
		text = "Replaying the link's trace…"
	}
	if r := s.Report; r != nil && !s.Status.running() {
		orbits := ""
		if r.Symmetry {
			orbits = " (one per orbit)"
		}
		text = fmt.Sprintf("%s distinct states%s, %s generated, depth %d, %s, %d ms", checker.Thousands(r.Unique), orbits, checker.Thousands(r.States), r.Depth, r.Extent(), r.DurationMS)
		if s.Status.partial() {
			text = "Partial, cancelled: the verdicts below are those reached so far. " + text
		}
	}
	return app.Section().Class("status").Aria("live", "polite").Body(
		app.P().ID("progress").Text(text),
		app.If(s.Err != "" || s.Status.partial(), func() app.UI {
			msg := s.Err
			if msg == "" {
				msg = "cancelled"
			}
			return app.P().ID("error").Class("error").Text(msg)
		}),
	)
}

// ResultsPanel lists the check's properties with their verdicts and definitions.
type ResultsPanel struct {
	app.Compo

	Report  *checker.Report // nil before a check is done
	Partial bool            // the check was cancelled: its verdicts are those reached
	Page    *Playground     // a property's button shows its trace there
}

// Render lists the properties with their verdicts; one with a trace is a button that shows it.
func (r *ResultsPanel) Render() app.UI {
	rep := r.Report
	if rep == nil {
		return app.Section().Class("results")
	}
	return app.Section().Class("results").Aria("label", "Properties").Body(
		app.H2().Text("Properties"),
		app.If(r.Partial, func() app.UI {
			return app.P().ID("partial").Class("partial").Text("Partial: the check was cancelled. A ✗ stands (its trace is real); a ? was not checked to the end.")
		}),
		app.Ul().ID("properties").Body(app.Range(rep.Properties).Slice(func(i int) app.UI {
			pr := rep.Properties[i]
			item := app.Li().Class("property", pr.Status).Body(
				app.Span().Class("mark").Text(map[string]string{"holds": "✓", "violated": "✗"}[pr.Status]+map[bool]string{true: "?"}[pr.Status == "unknown"]),
				term("def-"+strconv.Itoa(i), pr.Doc, app.Span().Class("name").Attr("tabindex", "0").Aria("describedby", "def-"+strconv.Itoa(i)).Text(pr.Name)),
				app.Span().Class("verdict").Text(pr.Verdict(*rep)),
			)
			if pr.Trace != nil {
				item = app.Li().Class("property", pr.Status).Body(
					app.Span().Class("mark").Text(map[string]string{"holds": "✓", "violated": "✗"}[pr.Status]),
					term("def-"+strconv.Itoa(i), pr.Doc, app.Button().Class("show").Aria("describedby", "def-"+strconv.Itoa(i)).Text(pr.Name).OnClick(func(ctx app.Context, _ app.Event) { r.Page.showProperty(ctx, i) })),
					app.Span().Class("verdict").Text(pr.Verdict(*rep)),
				)
			}
			return item
		})),
	)
}
