//go:build browser

package playground_test

import (
	"strings"
	"testing"
	"time"
)

// Side by side (issue 15, item 3): Kubernetes 59848 under resettable-session beside
// synchronous, checked together: ✗ and ✓ in two columns for "a pod identity runs on at most
// one node", the 10-step trace beside none, and one permalink that opens the pair and checks it
// again.
func TestBrowserSideBySide(t *testing.T) {
	base := site(t)
	b := browser(t)
	p := open(t, b, base)
	p.MustSetViewport(1280, 1000, 1, false)
	choose(p, "#target", "statefulset/stale-reads")
	p.MustElement("#advanced summary").MustClick()
	choose(p, "#param-consistency", "resettable-session")
	choose(p, "#compare-param", "consistency")
	choose(p, "#compare-value", "= synchronous")
	p.MustElement("#run").MustClick()
	waitText(t, p, "#side-by-side h2", "Side by side: consistency=resettable-session and consistency=synchronous", time.Minute)
	text := waitText(t, p, "#compare-table", "✓", time.Minute)
	text = waitText(t, p, "#compare-table", "✗", time.Minute)
	var line string
	for _, l := range strings.Split(p.MustElement("#compare-table").MustText(), "\n") {
		if strings.HasPrefix(l, "a pod identity runs on at most one node") {
			line = l
		}
	}
	cells := strings.Split(line, "\t")
	if len(cells) != 3 || !strings.HasPrefix(cells[1], "✗ violated after 10 steps") || !strings.HasPrefix(cells[2], "✓ holds") {
		t.Fatalf("the row of the pod identity property: %q in\n%s", cells, text)
	}
	waitText(t, p, "#compare-left h3", "consistency=resettable-session: violated: a pod identity runs on at most one node after 10 steps", time.Second)
	waitText(t, p, "#compare-right h3", "consistency=synchronous: all hold", time.Second)
	if n := len(p.MustElements("#compare-left .side-steps li")); n != 11 {
		t.Fatalf("the left trace lists %d states, want 11 (10 steps)", n)
	}
	if has, _, _ := p.Has("#compare-right .side-steps"); has {
		t.Fatal("a trace is listed for the side where every property holds")
	}
	p.MustElement("#side-by-side").MustScrollIntoView()
	screenshot(t, p, "side-by-side.png")

	// One permalink for the pair: opened in a new tab, it checks both again.
	p.MustElement("#copy-link").MustClick()
	link := p.MustElement("#permalink").MustProperty("value").String()
	q := open(t, b, link)
	waitText(t, q, "#compare-right h3", "consistency=synchronous: all hold", time.Minute)
	waitText(t, q, "#compare-left h3", "after 10 steps", time.Minute)
	// Step through the right-hand trace of the pair, swapped: the stepper shows it.
	q.MustElement("#compare-left a.open-side").MustClick()
	waitText(t, q, "#trace-title", "Trace from a link: 10 steps", 10*time.Second)
	q.MustClose()
}
