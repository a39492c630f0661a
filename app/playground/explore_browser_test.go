//go:build browser

package playground_test

import (
	"strings"
	"testing"
	"time"
)

// Exploring by hand (issue 15, item 7): the enabled actions are grouped by controller, faults
// and users last, the steps that change nothing marked; Undo goes back; each step of the list
// says whether its state violates an invariant.
func TestBrowserExploreByHand(t *testing.T) {
	_, _, p := desktop(t)
	headline(t, p)
	if m := p.MustElement("#step-10 .step-mark").MustText(); m != "✗" {
		t.Fatalf("step 10 is marked %q", m)
	}
	if m := p.MustElement("#step-9 .step-mark").MustText(); m != "✓" {
		t.Fatalf("step 9 is marked %q", m)
	}
	// At step 2, the StatefulSet controller may still read revision 1 and try to create the
	// ControllerRevision again: rejected, it changes nothing.
	p.MustElement("#step-2 button").MustClick()
	waitText(t, p, "#step-action", "2. statefulset-controller-1", 5*time.Second)
	p.Timeout(10 * time.Second).MustElement("#enabled .next-group") // the explorer's answer
	groups := p.MustEval(`() => [...document.querySelectorAll("#enabled .next-group")].map(g => g.dataset.group)`).Arr()
	var names []string
	for _, g := range groups {
		names = append(names, g.String())
	}
	if len(names) < 3 || names[len(names)-1] != "faults and users" || !strings.Contains(strings.Join(names, ","), "statefulset-controller-1") {
		t.Fatalf("groups %q", names)
	}
	idle := p.MustElements("#enabled button.idle")
	if len(idle) == 0 {
		t.Fatal("no step is marked as changing nothing")
	}
	if text := idle[0].MustText(); !strings.Contains(text, "409 Conflict") || !strings.Contains(text, "changes nothing") {
		t.Fatalf("the idle step %q", text)
	}
	waitText(t, p, ".next h3", "of which", time.Second)
	screenshot(t, p, "explore.png")
	// Take a step by hand, then another; Undo twice comes back to the check's trace at step 2.
	if !p.MustElement("#undo").MustProperty("disabled").Bool() {
		t.Fatal("Undo is enabled before any step was taken by hand")
	}
	p.MustElement("#take-0").MustClick()
	waitText(t, p, "#trace-title", "Exploring by hand: 3 steps", 5*time.Second)
	p.MustElement("#take-0").MustClick()
	waitText(t, p, "#trace-title", "Exploring by hand: 4 steps", 5*time.Second)
	p.MustElement("#undo").MustClick()
	waitText(t, p, "#trace-title", "Exploring by hand: 3 steps", 5*time.Second)
	waitText(t, p, "#position", "step 3 of 3", time.Second)
	p.MustElement("#undo").MustClick()
	waitText(t, p, "#trace-title", "a pod identity runs on at most one node: 10 steps", 5*time.Second)
	waitText(t, p, "#position", "step 2 of 10", time.Second)
	if !p.MustElement("#undo").MustProperty("disabled").Bool() {
		t.Fatal("Undo is still enabled with nothing to undo")
	}
}

// The list of enabled actions comes from the explorer after the step is shown; its arrival
// must not move what lies below the trace (a click aimed at "Draw the explored states" would
// land on whatever moved under the pointer). The draw button's place in the page is recorded
// at each change of the page while the list is asked for, and once it is shown: after the
// check (where the explorer starts, and the list came 215 px tall before the list had a room
// of its own), and at a step picked after it (where the explorer often answers before the
// page is drawn: then nothing can move).
func TestBrowserEnabledListKeepsLayout(t *testing.T) {
	_, _, p := desktop(t)
	p.MustEval(`() => {
		window.__places = [];
		const record = () => {
			const b = document.getElementById("draw-graph");
			const state = document.getElementById("listing") ? "listing" : document.getElementById("enabled") ? "listed" : "";
			if (!b || !state) return;
			const step = (document.getElementById("position") || {}).textContent;
			const room = document.querySelector(".next").getBoundingClientRect().height;
			window.__places.push({state, step, y: Math.round(b.getBoundingClientRect().top + window.scrollY), room: Math.round(room)});
		};
		new MutationObserver(record).observe(document.body, {childList: true, subtree: true, characterData: true, attributes: true});
	}`)
	checkTarget(t, p, "pod/restart-loop")
	waitText(t, p, "#properties", "pods that a node can take are eventually all scheduled", time.Minute)
	waitListed(t, p)
	p.MustElement("#step-3 button").MustClick()
	waitText(t, p, "#position", "step 3 of", 5*time.Second)
	waitListed(t, p)
	p.MustElement("#enabled").MustScrollIntoView()
	screenshot(t, p, "enabled-list.png")
	// Scrolled down, the list of the next step picked starts at its top again (the room is
	// the same element from step to step).
	if !p.MustEval(`() => { const b = document.getElementById("enabled"); b.scrollTop = 80; return b.scrollTop > 0; }`).Bool() {
		t.Fatal("step 3's list does not scroll in its room (the test needs one that does)")
	}
	p.MustElement("#step-2 button").MustClick()
	waitText(t, p, "#position", "step 2 of", 5*time.Second)
	waitListed(t, p)
	if top := p.MustEval(`() => { const b = document.getElementById("enabled"); return [b.scrollTop, b.scrollHeight > b.clientHeight]; }`).Arr(); top[0].Int() != 0 || !top[1].Bool() {
		t.Fatalf("step 2's list: scrolled %d px down (scrollable: %v); want its top", top[0].Int(), top[1].Bool())
	}
	type place struct {
		State, Step string
		Y, Room     int // the draw button's place in the page; the list's room's height
	}
	var places []place
	if err := p.MustEval(`() => window.__places`).Unmarshal(&places); err != nil {
		t.Fatal(err)
	}
	steps := map[string]bool{}
	for i := 1; i < len(places); i++ {
		a, b := places[i-1], places[i]
		if a.State == "listing" && b.State == "listed" && a.Step == b.Step {
			steps[a.Step] = true
			if a.Room != b.Room {
				t.Errorf("%s: the list's room grew from %d px to %d px when the enabled actions were listed", a.Step, a.Room, b.Room)
			}
			if a.Y != b.Y {
				t.Errorf("%s: the draw button moved from y = %d px to %d px when the enabled actions were listed", a.Step, a.Y, b.Y)
			}
		}
	}
	first := false
	for s := range steps {
		first = first || strings.HasPrefix(s, "step 0 of ")
	}
	if !first {
		t.Fatalf("never saw the list asked for and then shown after the check: %v", places)
	}
}
