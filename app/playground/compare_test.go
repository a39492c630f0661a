package playground

import (
	"slices"
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"github.com/themelios/themelios/models/targets"
)

// The side-by-side check: the right side is the controls' settings with one changed; a link
// keeps the pair, and opening it sets the comparison and asks for the pair to be checked.
func TestCompareSettingsAndLink(t *testing.T) {
	p := &Playground{}
	p.OnInit()
	p.selectTarget("statefulset/stale-reads")
	p.values[p.paramIndex("consistency")] = "resettable-session"
	p.setCompare("consistency")
	if p.cmp.value != "synchronous" {
		t.Fatalf("the right side's default value %q, want the first other choice", p.cmp.value)
	}
	req, err := p.request()
	if err != nil {
		t.Fatal(err)
	}
	right := p.rightSets(req.Sets)
	if !slices.Contains(right, "consistency=synchronous") || slices.Contains(right, "consistency=resettable-session") || len(right) != len(req.Sets) {
		t.Fatalf("right side %v from %v", right, req.Sets)
	}
	l, err := targets.ParseLink(p.Link())
	if err != nil || !slices.Equal(l.Compare, right) {
		t.Fatalf("link %+v %v", l, err)
	}
	q := &Playground{}
	q.OnInit()
	q.open(app.Context{}, p.Link())
	if q.cmp.param != "consistency" || q.cmp.value != "synchronous" || !q.autoRun || q.err != "" || q.shown != nil {
		t.Fatalf("opened: compare %q=%q, auto-run %v, error %q", q.cmp.param, q.cmp.value, q.autoRun, q.err)
	}
	if q.sideLabel(false) != "consistency=resettable-session" || q.sideLabel(true) != "consistency=synchronous" {
		t.Fatalf("labels %q %q", q.sideLabel(false), q.sideLabel(true))
	}
	// The left side taking the right side's value moves the right side to another value.
	q.values[q.paramIndex("consistency")] = "synchronous"
	q.settingsChanged()
	if q.cmp.param != "consistency" || q.cmp.value == "synchronous" {
		t.Fatalf("after the left took the right's value: %q=%q", q.cmp.param, q.cmp.value)
	}
	// Another scenario without the setting drops the comparison.
	q.setCompare("node-crash")
	if !q.comparing() {
		t.Fatal("node-crash cannot be compared")
	}
	q.selectTarget("classic/die-hard")
	if q.comparing() {
		t.Fatalf("die-hard compares %q", q.cmp.param)
	}
	// A link whose sides differ in two settings opens without a comparison, and says why.
	l.Compare = slices.Clone(l.Sets)
	for i, s := range l.Compare {
		if strings.HasPrefix(s, "consistency=") {
			l.Compare[i] = "consistency=causal"
		}
		if strings.HasPrefix(s, "nodes=") {
			l.Compare[i] = "nodes=3"
		}
	}
	r := &Playground{}
	r.OnInit()
	r.open(app.Context{}, l.Fragment())
	if r.comparing() || !strings.Contains(r.err, "differ in 2 settings (consistency, nodes)") {
		t.Fatalf("a two-setting comparison: compare %q, error %q", r.cmp.param, r.err)
	}
}
