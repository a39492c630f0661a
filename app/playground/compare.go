package playground

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/wasm/protocol"
)

// comparison is the side-by-side check: the scenario as the controls set it (the left side)
// and with one setting changed (the right side), checked together in two workers, their
// verdicts in two columns and their traces next to each other.
type comparison struct {
	param  string // the setting compared; "" when there is no comparison
	value  string // its value on the right side
	runner runner
	status runStatus
	report *checker.Report
	err    string
}

// comparing reports whether a comparison is set.
func (p *Playground) comparing() bool { return p.cmp.param != "" }

// paramIndex is the index of the target's setting named name, or -1.
func (p *Playground) paramIndex(name string) int {
	for i, par := range p.entry().Params {
		if par.Name == name {
			return i
		}
	}
	return -1
}

// rightSets are the right side's settings: the controls' with the compared one changed (nil
// when there is no comparison).
func (p *Playground) rightSets(left []string) []string {
	if !p.comparing() {
		return nil
	}
	out := make([]string, 0, len(left))
	for _, s := range left {
		if name, _, _ := strings.Cut(s, "="); name == p.cmp.param {
			s = name + "=" + p.cmp.value
		}
		out = append(out, s)
	}
	return out
}

// setCompare compares setting name (none for ""), its right-side value defaulting to the
// first choice other than the controls' value.
func (p *Playground) setCompare(name string) {
	p.stopCompare()
	p.cmp.param, p.cmp.value, p.cmp.report, p.cmp.err = "", "", nil, ""
	i := p.paramIndex(name)
	if i < 0 || len(p.entry().Params[i].Choices) < 2 {
		return
	}
	p.cmp.param = name
	for _, c := range p.entry().Params[i].Choices {
		if c != p.values[i] {
			p.cmp.value = c
			break
		}
	}
}

// startCompare checks the right side of req (the left side's request).
func (p *Playground) startCompare(ctx app.Context, req protocol.Request) {
	if !p.comparing() {
		return
	}
	req.Sets = p.rightSets(req.Sets)
	if _, err := p.entry().Resolve(req.Sets); err != nil {
		p.cmp.err = err.Error()
		return
	}
	if p.cmp.runner == nil {
		p.cmp.runner = newRunner()
	}
	req.Graph = false
	p.cmp.status, p.cmp.report, p.cmp.err = runRunning, nil, ""
	p.cmp.runner.start(p.answerTo(ctx), req, func(_ app.Context, r protocol.Response) {
		if r.ID != p.runID {
			return
		}
		switch r.Type {
		case protocol.TypeResult:
			p.cmp.status, p.cmp.report = p.cmp.status.finish(), r.Report
		case protocol.TypeError:
			p.cmp.status, p.cmp.err = runFailed, r.Error
		}
	})
}

// stopCompare ends the right side's check, if any (a cancelled one still delivering too).
func (p *Playground) stopCompare() {
	if p.cmp.runner != nil {
		p.cmp.runner.cancel()
	}
	if p.cmp.status.running() {
		p.cmp.status = runIdle
	}
}

// compareFromLink sets the comparison a link carries: the one setting whose value differs
// between its two sides.
func (p *Playground) compareFromLink(left, right []string) error {
	var differ []string
	value := ""
	for _, r := range right {
		if !slices.Contains(left, r) {
			name, v, _ := strings.Cut(r, "=")
			differ, value = append(differ, name), v
		}
	}
	if len(differ) != 1 {
		return fmt.Errorf("its two sides differ in %d settings (%s); the playground compares one", len(differ), strings.Join(differ, ", "))
	}
	p.setCompare(differ[0])
	if !p.comparing() {
		return fmt.Errorf("%s has no setting %s with choices to compare", p.target, differ[0])
	}
	p.cmp.value = value
	return nil
}

// sideLabel names a side by its value of the compared setting: "consistency=synchronous".
func (p *Playground) sideLabel(right bool) string {
	if right {
		return p.cmp.param + "=" + p.cmp.value
	}
	if i := p.paramIndex(p.cmp.param); i >= 0 {
		return p.cmp.param + "=" + p.values[i]
	}
	return p.cmp.param
}

// ComparePanel draws the two sides of a comparison: a row per property with each side's
// verdict, then each side's counterexample, its steps listed, with a link that opens it in the
// stepper (the comparison kept, the sides swapped for the right one).
type ComparePanel struct {
	app.Compo

	On      bool               // a comparison is set
	Reports [2]*checker.Report // the left (the controls') and right sides' reports, nil until done
	Status  [2]runStatus       // where each side's check stands
	Labels  [2]string          // each side by its value of the compared setting
	Links   [2]string          // each side's counterexample as a link fragment ("" for none)
	Err     string             // why the right side's check failed
	Page    *Playground        // a side's link opens there
}

// comparePanel is the page's comparison, for its panel.
func (p *Playground) comparePanel() *ComparePanel {
	c := &ComparePanel{On: p.comparing(), Reports: [2]*checker.Report{p.report, p.cmp.report}, Status: [2]runStatus{p.status, p.cmp.status},
		Err: p.cmp.err, Page: p}
	if !c.On {
		return c
	}
	c.Labels = [2]string{p.sideLabel(false), p.sideLabel(true)}
	for side, r := range c.Reports {
		if r == nil {
			continue
		}
		if pr := r.Counterexample(); pr != nil {
			l := p.baseLink()
			if side == 1 {
				l.Sets, l.Compare = l.Compare, l.Sets
			}
			c.Links[side] = l.WithTrace(pr).Fragment()
		}
	}
	return c
}

// Render draws the comparison, once a side has something to show.
func (c *ComparePanel) Render() app.UI {
	if !c.On || c.Reports[0] == nil && c.Reports[1] == nil && !c.Status[1].running() && c.Err == "" {
		return app.Section().Class("side-by-side")
	}
	var names []string
	docs := map[string]string{} // only looked up
	for _, r := range c.Reports {
		if r == nil {
			continue
		}
		for _, pr := range r.Properties {
			if !slices.Contains(names, pr.Name) {
				names, docs[pr.Name] = append(names, pr.Name), pr.Doc
			}
		}
	}
	cell := func(side int, name string) app.UI {
		r := c.Reports[side]
		switch {
		case r == nil && c.Status[side].running():
			return app.Td().Class("pending").Text("checking…")
		case r == nil:
			return app.Td().Class("pending").Text("—")
		}
		for _, pr := range r.Properties {
			if pr.Name == name {
				mark := map[string]string{"holds": "✓", "violated": "✗", "unknown": "?"}[pr.Status]
				return app.Td().Class("side", pr.Status).Body(app.Span().Class("mark").Text(mark), app.Text(" "+pr.Verdict(*r)))
			}
		}
		return app.Td().Class("pending").Text("not a property under these settings")
	}
	left, right := c.Labels[0], c.Labels[1]
	return app.Section().ID("side-by-side").Class("side-by-side").Aria("label", "Side by side").Body(
		app.H2().Text("Side by side: "+left+" and "+right),
		app.If(c.Err != "", func() app.UI { return app.P().ID("compare-error").Class("error").Text(right + ": " + c.Err) }),
		app.Div().Class("compare-scroll").Body(
			app.Table().ID("compare-table").Body(
				app.THead().Body(app.Tr().Body(app.Th().Text("property"), app.Th().Text(left), app.Th().Text(right))),
				app.TBody().Body(app.Range(names).Slice(func(i int) app.UI {
					id := "cmp-def-" + strconv.Itoa(i)
					return app.Tr().Body(app.Th().Scope("row").Body(term(id, docs[names[i]], app.Span().Attr("tabindex", "0").Aria("describedby", id).Text(names[i]))),
						cell(0, names[i]), cell(1, names[i]))
				})),
			),
		),
		app.Div().Class("compare-traces").Body(c.renderSideTrace(0), c.renderSideTrace(1)),
	)
}

// renderSideTrace lists a side's counterexample (its first violated property with a trace),
// with the link that opens it in the stepper.
func (c *ComparePanel) renderSideTrace(side int) app.UI {
	r, label := c.Reports[side], c.Labels[side]
	id := []string{"compare-left", "compare-right"}[side]
	if r == nil {
		return app.Div().ID(id).Class("side-trace").Body(app.H3().Text(label))
	}
	pr := r.Counterexample()
	outcome := protocol.Outcome(r)
	if c.Status[side].partial() {
		outcome += " (partial: cancelled)"
	}
	body := []app.UI{app.H3().Text(label + ": " + outcome)}
	if f := c.Links[side]; pr != nil && f != "" {
		body = append(body,
			app.Ol().Class("side-steps").Start(0).Body(app.Range(pr.Trace).Slice(func(i int) app.UI {
				return app.Li().Class(map[bool]string{true: "bad"}[len(pr.Trace[i].Violating) > 0]).Text(pr.Trace[i].Action)
			})),
			app.A().Class("open-side").Href("#"+f).Text("Step through this trace").OnClick(func(ctx app.Context, e app.Event) {
				// Opened here (go-app would only push the address: no hashchange).
				e.PreventDefault()
				e.Call("stopPropagation") // go-app's own anchor handler would push the address again
				pushFragment(f)           // Back returns to the comparison (hashchange)
				c.Page.openLink(ctx, f)
			}),
		)
	}
	return app.Div().ID(id).Class("side-trace").Body(body...)
}
