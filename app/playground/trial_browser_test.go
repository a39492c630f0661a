//go:build browser

package playground_test

import (
	"strings"
	"testing"
	"time"
)

// The defects a newcomer's trial of the playground found (2026-12-02), each as the page shows
// it: a card run after the advanced settings were changed, a bad bound under an earlier result,
// the properties on a narrow screen, a tutorial opened by its file's name.
func TestBrowserTrialDefects(t *testing.T) {
	base, b, p := desktop(t)

	// A card tells its story whatever the advanced settings hold (depth-first, depth 4, keep
	// going used to give "stopped at the depth bound" and no trace), and brings its verdict
	// into view.
	p.MustElement("#advanced summary").MustClick()
	choose(p, "#strategy", "depth-first")
	p.MustElement("#max-depth").MustSelectAllText().MustInput("4")
	p.MustElement("#keep-going").MustClick()
	headline(t, p)
	if y := p.MustEval(`() => window.scrollY`).Int(); y < 300 {
		t.Errorf("the page did not scroll to the verdict: scrollY %d", y)
	}
	if cli := p.MustElement("#cli").MustText(); cli != "themelios check statefulset/stale-reads --set consistency=resettable-session --max-states 200000 --timeout 60s" {
		t.Errorf("CLI line %q", cli)
	}

	// A bad bound: its range said, and the earlier verdicts gone (they read as the new ones').
	p.MustElement("#max-states").MustSelectAllText().MustInput("-5")
	p.MustElement("#run").MustClick()
	waitText(t, p, ".status", "max states must be a whole number from 0 to 5,000,000", 5*time.Second)
	if n := len(p.MustElements("#properties li")); n != 0 {
		t.Errorf("%d verdicts of the earlier check still shown under the error", n)
	}

	// 400 pixels wide: the violated property's verdict wraps within the page.
	p.MustElement("#max-states").MustSelectAllText().MustInput("0")
	p.MustSetViewport(400, 900, 1, false)
	headline(t, p)
	p.MustElement("#properties .property.violated").MustScrollIntoView()
	screenshot(t, p, "narrow-properties.png")
	if w := p.MustEval(`() => document.documentElement.scrollWidth`).Int(); w > 400 {
		t.Errorf("the page is %d px wide at a 400 px viewport", w)
	}
	if right := p.MustEval(`() => document.querySelector("#properties .property.violated .verdict").getBoundingClientRect().right`).Num(); right > 400 {
		t.Errorf("the verdict ends at %.0f px, past the 400 px viewport", right)
	}
	if v := p.MustElement("#properties .property.violated").MustText(); !strings.HasPrefix(v, "✗") {
		t.Errorf("the violated property reads %q: the mark first, as for the others", v)
	}

	// A tutorial by its file's name (the static site's) is the tutorial, not a 404.
	// (The page is prerendered: the app, once loaded, used to replace it with "Not Found".)
	q := b.MustPage(base + "tutorials/02-kubernetes-59848.html").Timeout(2 * time.Minute)
	q.MustWaitLoad()
	for !q.MustEval(`() => !document.getElementById("app-wasm-loader")`).Bool() {
		time.Sleep(50 * time.Millisecond)
	}
	if text := waitText(t, q, "main", "Kubernetes 59848: two pods, one identity", 20*time.Second); strings.Contains(text, "Not Found") {
		t.Fatalf("the tutorial by its file's name: %.200q", text)
	}
}
