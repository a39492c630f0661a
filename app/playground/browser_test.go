//go:build browser

// Browser tests: the built site (make site) in headless Debian Chromium, driven with go-rod.
// Run by make test as: go test -tags browser ./app/playground (THEMELIOS_SITE names the site).
package playground_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-rod/rod"
	"github.com/go-rod/rod/lib/input"
	"github.com/go-rod/rod/lib/launcher"
	"github.com/go-rod/rod/lib/proto"

	sitehttp "github.com/themelios/themelios/app/site"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/scenario"
)

// site serves the built site on a free loopback port and returns its URL.
func site(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("THEMELIOS_SITE")
	if dir == "" {
		dir = "../../site"
	}
	if _, err := os.Stat(filepath.Join(dir, "web", "app.wasm")); err != nil {
		t.Fatalf("no built site in %s (run make site): %v", dir, err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sitehttp.Handler(dir, false)}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/"
}

// browser starts Debian's Chromium, headless.
func browser(t *testing.T) *rod.Browser {
	t.Helper()
	bin := "/usr/bin/chromium"
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Debian's chromium is not installed (make test installs it): %v", err)
	}
	l := launcher.New().Bin(bin).Headless(true).NoSandbox(true).
		Set("disable-gpu").Set("disable-quic").Set("no-first-run").Set("disable-background-networking").
		Set("disable-component-update").Set("disable-sync").UserDataDir(t.TempDir())
	u, err := l.Launch()
	if err != nil {
		t.Fatal(err)
	}
	b := rod.New().ControlURL(u)
	if err := b.Connect(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close(); l.Kill() })
	return b
}

// open loads the playground and waits for the WebAssembly UI to render.
func open(t *testing.T, b *rod.Browser, url string) *rod.Page {
	t.Helper()
	p := b.MustPage(url).Timeout(5 * time.Minute) // the whole test's budget on this page
	waitPlayground(t, p, url)
	return p
}

// waitPlayground waits until the playground page p navigated to (url) runs: the page is
// prerendered, so until the WebAssembly UI runs it (go-app's loader gone).
func waitPlayground(t *testing.T, p *rod.Page, url string) {
	t.Helper()
	p.MustWaitLoad()
	for deadline := time.Now().Add(time.Minute); !p.MustEval(`() => !document.getElementById("app-wasm-loader")`).Bool(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s never loaded", url)
		}
	}
	p.MustElement("button#run")
	p.MustWaitStable()
}

// checkTarget selects a built-in target in the playground and runs its check.
func checkTarget(t *testing.T, p *rod.Page, target string) {
	t.Helper()
	choose(p, "#target", target)
	waitText(t, p, "#cli", "themelios check "+target, 5*time.Second)
	p.MustElement("#run").MustClick()
}

// tutorialPage opens a tutorial and waits until the WebAssembly UI has replaced the prerendered
// page (go-app's loader gone, the tutorial fetched and rendered): elements found before that
// are replaced.
func tutorialPage(t *testing.T, b *rod.Browser, url string) *rod.Page {
	t.Helper()
	p := b.MustPage(url).Timeout(2 * time.Minute)
	p.MustWaitLoad()
	deadline := time.Now().Add(time.Minute)
	for !p.MustEval(`() => !document.getElementById("app-wasm-loader") && !!document.querySelector(".run-widget") &&
		!document.querySelector("main").textContent.includes("Loading the tutorial")`).Bool() {
		if time.Now().After(deadline) {
			t.Fatalf("%s never loaded", url)
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.MustWaitStable()
	return p
}

// desktop starts a browser on the served site and opens the playground at 1280×1000; it returns
// the site's URL, the browser and the page.
func desktop(t *testing.T) (string, *rod.Browser, *rod.Page) {
	t.Helper()
	base := site(t)
	b := browser(t)
	p := open(t, b, base)
	p.MustSetViewport(1280, 1000, 1, false)
	return base, b, p
}

// headline clicks the 59848 card and waits for its 10-step counterexample.
func headline(t *testing.T, p *rod.Page) {
	t.Helper()
	p.MustElement("#card-59848").MustClick()
	waitText(t, p, "#trace-title", "a pod identity runs on at most one node: 10 steps", time.Minute)
}

func choose(p *rod.Page, selector, value string) {
	p.MustElement(selector).MustSelect(value)
}

// waitText waits until the element's text contains want and returns it.
func waitText(t *testing.T, p *rod.Page, selector, want string, within time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(within)
	text := ""
	for time.Now().Before(deadline) {
		if el, err := p.Sleeper(rod.NotFoundSleeper).Element(selector); err == nil {
			text, _ = el.Text()
			if strings.Contains(text, want) {
				return text
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s: text %q, want it to contain %q", selector, text, want)
	return ""
}

// waitFor polls cond until it holds, and fails with what says (called once, at the deadline)
// if it does not within the time given.
func waitFor(t *testing.T, within time.Duration, cond func() bool, says func() string) {
	t.Helper()
	for deadline := time.Now().Add(within); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal(says())
		}
	}
}

// waitElement waits until an element matches selector, and fails with the text of the element
// explain matches (what the page says instead) if none does in time.
func waitElement(t *testing.T, p *rod.Page, selector string, within time.Duration, explain string) *rod.Element {
	t.Helper()
	for deadline := time.Now().Add(within); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if el, err := p.Sleeper(rod.NotFoundSleeper).Element(selector); err == nil {
			return el
		}
	}
	text := "(absent)"
	if el, err := p.Sleeper(rod.NotFoundSleeper).Element(explain); err == nil {
		text, _ = el.Text()
	}
	t.Fatalf("no %s within %v; %s says: %q", selector, within, explain, text)
	return nil
}

// waitListed waits until the trace panel lists the actions enabled at the selected step: the
// explorer's answer, which arrives after the check's report (or the step's selection) and
// grows the panel, moving everything below it. A test clicks below the trace only once it is
// in: a click whose target moved between rod's aim and its press lands elsewhere (probably
// what made TestBrowserGraphFails fail in CI, where the explorer answers later: inferred from
// a screenshot of one failure).
func waitListed(t *testing.T, p *rod.Page) {
	t.Helper()
	listed := func() bool {
		return p.MustEval(`() => !!document.getElementById("enabled") && !document.getElementById("listing")`).Bool()
	}
	waitFor(t, time.Minute, listed, func() string {
		return "the actions enabled at the trace's step were never listed; the page's error says: " +
			p.MustEval(`() => (document.getElementById("error") || {}).textContent || "(none)"`).String()
	})
}

func screenshot(t *testing.T, p *rod.Page, name string) {
	dir := os.Getenv("THEMELIOS_SCREENSHOTS")
	if dir == "" {
		return
	}
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, name), p.MustScreenshot(), 0o644)
}

func TestBrowserRunStepAndCancel(t *testing.T) {
	url := site(t)
	b := browser(t)
	p := open(t, b, url)
	var consoleErrors []string
	go p.EachEvent(func(e *proto.RuntimeConsoleAPICalled) {
		if e.Type == proto.RuntimeConsoleAPICalledTypeError {
			consoleErrors = append(consoleErrors, fmt.Sprint(e.Args))
		}
	})()
	defer func() {
		if len(consoleErrors) > 0 {
			t.Errorf("console errors: %v", consoleErrors)
		}
	}()
	p.MustSetViewport(1280, 1000, 1, false)
	screenshot(t, p, "playground.png")

	// Two ReplicaSet controllers under the causal level, without expectations: a pod identity
	// runs on two nodes.
	choose(p, "#target", "replicaset/spec-replicas-change")
	// The settings are under Advanced; those that do not apply are hidden (staleness and caches
	// under synchronous consistency).
	p.MustElement("#advanced summary").MustClick()
	if has, _, _ := p.Has("#param-staleness"); has {
		t.Fatal("the staleness is shown under synchronous consistency")
	}
	choose(p, "#param-consistency", "causal")
	p.MustElement("#param-staleness")
	p.MustElement("#param-controllers").MustSelectAllText().MustInput("2")
	choose(p, "#param-expectations", "off")
	p.MustElement("#max-states").MustSelectAllText().MustInput("400000")
	waitText(t, p, "#cli", "--set consistency=causal --set controllers=2 --set expectations=off", 5*time.Second)
	p.MustElement("#run").MustClick()
	waitText(t, p, "#properties", "a pod identity runs on at most one node", 4*time.Minute)
	props := p.MustElement("#properties").MustText()
	if !strings.Contains(props, "violated after 9 steps") {
		t.Fatalf("properties:\n%s", props)
	}
	// The status line says how far the search went: it stopped at the violation, not a bound;
	// and a property it did not check to the end says so.
	waitText(t, p, "#progress", ", stopped at the first violation, ", 5*time.Second)
	if !strings.Contains(props, "unknown: not checked to the end: the search stopped at the first violation") {
		t.Fatalf("properties:\n%s", props)
	}
	waitText(t, p, "#trace-title", "a pod identity runs on at most one node: 9 steps", time.Second)
	waitText(t, p, "#position", "step 0 of 9", time.Second)
	p.MustElement("#properties").MustScrollIntoView() // the README's picture: verdicts, then the trace
	screenshot(t, p, "trace.png")

	// Keyboard navigation: → and j step forward, ← back.
	p.Keyboard.MustType(input.ArrowRight)
	waitText(t, p, "#step-action", "1. replicaset-controller-1 read revision 1 (latest) and created pod", 5*time.Second)
	p.Keyboard.MustType(input.KeyJ)
	waitText(t, p, "#position", "step 2 of 9", 5*time.Second)
	p.Keyboard.MustType(input.ArrowLeft)
	waitText(t, p, "#position", "step 1 of 9", 5*time.Second)
	// Click a step.
	p.MustElement("#step-9 button").MustClick()
	waitText(t, p, "#step-action", "9. kubelet/node-2", 5*time.Second)
	// The picture of the cluster: the pod identity that runs twice is red on both nodes, and
	// the step's change is outlined; the kubectl tables are one click away.
	p.MustElement("#cluster")
	if n := len(p.MustElements("#cluster g.pod.twice")); n != 2 {
		t.Fatalf("%d pods drawn as running twice, want 2", n)
	}
	if n := len(p.MustElements("#cluster g.node[data-node] g.pod.twice")); n != 2 || len(p.MustElements("#cluster .changed")) == 0 {
		t.Fatalf("the identity running twice is not drawn in two node boxes (%d), or the change is not marked", n)
	}
	screenshot(t, p, "picture.png")
	// What kubelet/node-2 saw beside the latest, and the timeline of the reads with the
	// selected step shaded.
	waitText(t, p, "#saw summary", "What kubelet/node-2 saw (revision 9) beside the latest (revision 9)", time.Second)
	p.MustElement("#saw-view")
	p.MustElement("#saw-latest")
	if n := len(p.MustElements("#timeline g.lane")); n < 4 || len(p.MustElements("#timeline circle.read.stale")) == 0 {
		t.Fatalf("the timeline has %d lanes and no stale read", n)
	}
	p.MustElement("#tables summary").MustClick()
	waitText(t, p, "#state", "web-", time.Second)
	waitText(t, p, "#step-properties", "✗ violated here: a pod identity runs on at most one node", time.Second)
	p.MustElement("#step-3 button").MustClick()
	waitText(t, p, "#step-properties", "✓ no invariant is violated here (first violation at step 9)", 5*time.Second)

	// The state graph, drawn by Graphviz in the page: the trace highlighted, a node opens its state.
	waitText(t, p, "#graph-note", "Capped at the first 300 states explored", time.Second)
	waitListed(t, p)
	p.MustElement("#draw-graph").MustClick()
	p.MustElement("#graph svg")
	if n := len(p.MustElements("#graph g.node")); n != 300 {
		t.Fatalf("%d nodes drawn, want 300", n)
	}
	if n := len(p.MustElements(`#graph g.node.trace, #graph g.edge.trace`)); n == 0 {
		t.Fatal("no highlighted trace in the drawing")
	}
	if href := p.MustElement("#download-svg").MustProperty("href").String(); !strings.HasPrefix(href, "data:image/svg+xml") || !strings.Contains(href, "%3Csvg") {
		t.Fatalf("SVG download %.80q", href)
	}
	// Keyboard: focus the first node and press Enter.
	p.MustElement("#graph g.node").MustFocus()
	p.Keyboard.MustType(input.Enter)
	waitText(t, p, "#graph-state", "revision 1", 5*time.Second)
	screenshot(t, p, "graph.png")

	// The permalink opens the same scenario and trace in a fresh tab.
	p.MustElement("#copy-link").MustClick()
	link := p.MustElement("#permalink").MustProperty("value").String()
	if !strings.Contains(link, "/#s=") || !strings.Contains(link, "&t=") {
		t.Fatalf("permalink %q", link)
	}
	last := p.MustElement("#step-9").MustText()
	q := open(t, b, link)
	waitText(t, q, "#trace-title", "a pod identity runs on at most one node: 9 steps", 10*time.Second)
	waitText(t, q, "#cli", "--set consistency=causal --set controllers=2", time.Second)
	if got := q.MustElement("#step-9").MustText(); got != last {
		t.Fatalf("the link's step 9 is %q, want %q", got, last)
	}
	screenshot(t, q, "permalink.png")
	// Exploring by hand from the link's last step: enabled actions are listed and can be taken.
	waitText(t, q, "#enabled", "read revision", 5*time.Second)
	q.MustElement("#take-0").MustClick()
	waitText(t, q, "#trace-title", "Exploring by hand: 10 steps", 5*time.Second)
	q.MustClose()

	// A link made by the CLI (check --link) opens the same trace.
	bin := filepath.Join(t.TempDir(), "themelios")
	if out, err := exec.Command("go", "build", "-o", bin, "../../cmd/themelios").CombinedOutput(); err != nil {
		t.Fatalf("building the CLI: %v\n%s", err, out)
	}
	cli := exec.Command(bin, "check", "node/restart", "--set", "consistency=optimistic", "--json", "--link", "--link-base", url)
	var cliErr bytes.Buffer
	cli.Stderr = &cliErr
	out, _ := cli.Output()
	var rep struct {
		Properties []struct {
			Status string
			Trace  []struct{ Action string }
		}
	}
	json.Unmarshal(out, &rep)
	var want []string
	for _, p := range rep.Properties {
		if p.Status == "violated" && want == nil {
			for _, st := range p.Trace {
				want = append(want, st.Action)
			}
		}
	}
	cliLink := strings.TrimSpace(cliErr.String())
	if len(want) != 10 || !strings.HasPrefix(cliLink, url+"#s=") {
		t.Fatalf("the CLI's link %q and trace %q", cliLink, want)
	}
	c := open(t, b, cliLink)
	waitText(t, c, "#trace-title", "a pod identity runs on at most one node: 9 steps", 10*time.Second)
	waitText(t, c, "#cli", "themelios check node/restart --set consistency=optimistic", time.Second)
	for i, action := range want {
		if got := c.MustElement(fmt.Sprintf("#step-%d", i)).MustText(); !strings.Contains(got, action) {
			t.Fatalf("step %d of the CLI's link is %q, want %q", i, got, action)
		}
	}
	c.MustClose()

	// A tampered link shows an error and the default scenario.
	bad := open(t, b, url+"#s=tampered&t=1.2")
	waitText(t, bad, "#error", "This link cannot be opened", 10*time.Second)
	waitText(t, bad, "#cli", "themelios check replicaset/spec-replicas-change", time.Second)
	bad.MustClose()

	// Cancel a long check (every state: symmetry off): the worker is terminated and the page
	// says so at once.
	choose(p, "#target", "classic/two-phase-commit")
	p.MustElement("#param-rms").MustSelectAllText().MustInput("8")
	p.MustElement("#max-states").MustSelectAllText().MustInput("5000000")
	p.MustEval(`() => document.querySelector("#symmetry").click()`)
	waitText(t, p, "#cli", "--symmetry=false", 5*time.Second)
	p.MustElement("#run").MustClick()
	waitText(t, p, "#progress", "unique", 30*time.Second)
	screenshot(t, p, "progress.png")
	start := time.Now()
	p.MustElement("#cancel").MustClick()
	waitText(t, p, "#error", "cancelled", 2*time.Second)
	if el := time.Since(start); el > 1500*time.Millisecond {
		t.Fatalf("cancel took %v", el)
	}
	if !p.MustElement("#run").MustProperty("disabled").Bool() == false {
		t.Fatal("Run stays disabled after cancel")
	}
	// The verdicts the search reached arrive after, marked partial.
	waitText(t, p, "#partial", "Partial: the check was cancelled", 3*time.Second)
	waitText(t, p, "#progress", "Partial, cancelled: the verdicts below are those reached so far.", time.Second)
	waitText(t, p, "#progress", ", interrupted, ", time.Second)
	waitText(t, p, "#properties", "unknown: not checked to the end: the search was interrupted after", time.Second)
}

// A liveness counterexample is a lasso: the stepper marks its cycle and wraps round it, the
// graph draws the cycle, and the permalink keeps it.
func TestBrowserLasso(t *testing.T) {
	_, b, p := desktop(t)
	checkTarget(t, p, "pod/restart-loop")
	props := waitText(t, p, "#properties", "pods that a node can take are eventually all scheduled", time.Minute)
	if !strings.Contains(props, "violated after 5 steps, then steps 4–5 repeat forever") {
		t.Fatalf("properties:\n%s", props)
	}
	waitText(t, p, "#trace-title", "pods that a node can take are eventually all scheduled: 5 steps, then steps 4–5 repeat forever", 5*time.Second)
	waitText(t, p, "#loop-back", "↻ back to the state of step 3: steps 4–5 repeat forever", time.Second)
	if n := len(p.MustElements("ol#trace li.cycle")); n != 2 {
		t.Fatalf("%d steps marked as the cycle, want 2", n)
	}
	p.MustElement("#step-4 button").MustClick()
	waitText(t, p, "#position", "step 4 of 5 · in the cycle (steps 4–5, forever)", 5*time.Second)
	waitText(t, p, "#step-action", "4. scheduler-1 read revision 1 (2 behind latest) and tried to bind pod a: 409 Conflict", time.Second)
	p.MustElement("#step-5 button").MustClick()
	waitText(t, p, "#position", "step 5 of 5 · in the cycle", 5*time.Second)
	waitText(t, p, "#next", "↻ Again", time.Second)
	screenshot(t, p, "lasso.png")
	// Stepping on from the last step goes round the cycle again.
	p.Keyboard.MustType(input.ArrowRight)
	waitText(t, p, "#position", "step 4 of 5 · in the cycle", 5*time.Second)
	p.MustElement("#next").MustClick()
	waitText(t, p, "#position", "step 5 of 5", 5*time.Second)
	p.MustElement("#loop-back button").MustClick()
	waitText(t, p, "#position", "step 4 of 5", 5*time.Second)

	// The graph draws the cycle in its own colour.
	waitListed(t, p)
	p.MustElement("#draw-graph").MustClick()
	waitElement(t, p, "#graph svg", 2*time.Minute, "section.graph")
	if n := len(p.MustElements("#graph g.edge.cycle")); n < 2 {
		t.Fatalf("%d cycle edges drawn, want at least 2", n)
	}
	waitText(t, p, "#graph-note", "its cycle in purple", time.Second)
	p.MustElement("#graph g.edge.cycle").MustScrollIntoView()
	screenshot(t, p, "lasso-graph.png")

	// The permalink keeps the lasso.
	p.MustElement("#copy-link").MustClick()
	link := p.MustElement("#permalink").MustProperty("value").String()
	if !strings.HasSuffix(link, "&l=3") {
		t.Fatalf("permalink %q", link)
	}
	q := open(t, b, link)
	waitText(t, q, "#trace-title", "Trace from a link: 5 steps, then steps 4–5 repeat forever", 10*time.Second)
	waitText(t, q, "#loop-back", "↻ back to the state of step 3", time.Second)
	q.MustClose()

	// Symmetry reduction, on by default: two-phase commit with 3 resource managers (the
	// default), 80 states; 288 with it off.
	choose(p, "#target", "classic/two-phase-commit")
	waitText(t, p, "#cli", "themelios check classic/two-phase-commit", 5*time.Second)
	p.MustElement("#run").MustClick()
	waitText(t, p, "#progress", "80 distinct states (one per orbit)", time.Minute)
	p.MustElement("#advanced summary").MustClick()
	p.MustElement("#symmetry").MustClick()
	waitText(t, p, "#cli", "themelios check classic/two-phase-commit --symmetry=false", 5*time.Second)
	p.MustElement("#run").MustClick()
	if text := waitText(t, p, "#progress", "288 distinct states", time.Minute); strings.Contains(text, "orbit") {
		t.Fatalf("a search of every state said %q", text)
	}
}

func TestBrowserTutorial(t *testing.T) {
	url := site(t)
	b := browser(t)
	p := open(t, b, url)
	// Usable on a phone-width screen: nothing wider than the viewport.
	p.MustSetViewport(390, 844, 2, true)
	p.MustWaitStable()
	if w := p.MustEval(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`).Int(); w > 0 {
		t.Fatalf("the page is %dpx wider than a phone's screen", w)
	}
	screenshot(t, p, "phone.png")
	p.MustElement("#tutorial-02-kubernetes-59848").MustClick()
	waitText(t, p, "main", "Kubernetes 59848: two pods, one identity", 20*time.Second)
	// The first scenario block: a kubelet back from a crash with a stale cache runs db-0 twice.
	// It asks for a prediction first: Run waits for one, the explanation is hidden, and the
	// claim is not shown before the check.
	w := p.MustElement(".run-widget button.run")
	id := w.MustEval(`() => this.closest(".run-widget").id`).String()
	if !w.MustProperty("disabled").Bool() {
		t.Fatal("Run is enabled before a prediction")
	}
	waitText(t, p, "#"+id+" .question", "Can the identity db-0 run on two nodes at once?", time.Second)
	if text := p.MustElement("main").MustText(); strings.Contains(text, "Step through the run") || !strings.Contains(text, "The explanation shows here once you have made your prediction") {
		t.Fatal("the explanation shows before the check")
	}
	if strings.Contains(p.MustElement("#"+id).MustText(), "after 10 steps") {
		t.Fatal("the widget tells the outcome before the check")
	}
	p.MustElement("#" + id + " button.predict-holds").MustClick()
	w.MustClick()
	got := waitText(t, p, "#"+id+" .outcome", "✓ as the text claims", 60*time.Second)
	if !strings.Contains(got, "violated: a pod identity runs on at most one node after 10 steps") {
		t.Fatalf("widget outcome %q", got)
	}
	waitText(t, p, "#"+id+" .prediction", "Your prediction was wrong: read on to see why.", time.Second)
	waitText(t, p, "main", "Step through the run", 5*time.Second)
	p.MustSetViewport(1280, 1000, 1, false)
	screenshot(t, p, "tutorial.png")
	// Opening the scenario in the playground carries its settings and the counterexample,
	// replayed without a second check.
	p.MustElement("#" + id + " a.open").MustClick()
	waitText(t, p, "#cli", "themelios check statefulset/stale-reads --set consistency=resettable-session", 20*time.Second)
	waitText(t, p, "#trace-title", "a pod identity runs on at most one node: 10 steps", 10*time.Second)
	if text := p.MustElement("#progress").MustText(); text != "Ready." {
		t.Fatalf("the playground checked again: %q", text)
	}
	// A long widget shows its progress and can be cancelled: its partial outcome says so.
	c := tutorialPage(t, b, strings.TrimSuffix(url, "/")+"/tutorials/05-kubernetes-41889")
	widgets := c.MustElements(".run-widget")
	fix := widgets[len(widgets)-1] // the fix: 17,703 states under symmetry, a complete check
	fixID := "#" + fix.MustProperty("id").String()
	fix.MustElement("button.predict-holds").MustClick()
	fix.MustElement("button.run").MustClick()
	waitText(t, c, fixID+" .outcome", "Checking…", 10*time.Second)
	waitText(t, c, fixID+" .outcome", " states, depth ", 10*time.Second) // the worker is checking
	c.MustElement(fixID + " button.cancel").MustClick()
	waitText(t, c, fixID+" .outcome", "Cancelled: none found: interrupted after", 5*time.Second)
	if text := c.MustElement("main").MustText(); !strings.Contains(text, "The explanation shows here once you have made your prediction and run the check above.") {
		t.Fatal("a cancelled check revealed its explanation")
	}
	c.MustClose()
	// The results page shows the committed matrix: a row per scenario, level and controller count.
	r := tutorialPage(t, b, strings.TrimSuffix(url, "/")+"/tutorials/03-results")
	waitText(t, r, "main", "What breaks, and where", 20*time.Second)
	if n, want := r.MustEval(`() => document.querySelectorAll("main table tbody tr").length`).Int(), len(scenario.Builtins())*len(datastore.Levels())*2; n != want {
		t.Fatalf("the results table has %d rows, want %d", n, want)
	}
	waitText(t, r, "main table", "statefulset/stale-reads", time.Second)
	r.MustElement("main table").MustScrollIntoView()
	screenshot(t, r, "results.png")
	// On a phone, the wide table scrolls in its own box: the page does not.
	r.MustSetViewport(390, 844, 2, true)
	r.MustWaitStable()
	if w := r.MustEval(`() => document.documentElement.scrollWidth - document.documentElement.clientWidth`).Int(); w > 0 {
		t.Fatalf("the results page is %dpx wider than a phone's screen", w)
	}
}

// Per-kind caches in the playground: a scenario that reads through informer caches says so in
// its controls, each step says what each cache read, and the state lists where each cache
// stands (Kubernetes issue 41889: a fresh StatefulSet and a stale pod cache).
func TestBrowserInformerCaches(t *testing.T) {
	_, _, p := desktop(t)
	// A card on the home page sets the scenario and runs its check in one click.
	p.MustElement("#card-stale-pod-cache").MustClick()
	waitText(t, p, "#cli", "themelios check bugs/sts-ordered-stale-ready", 5*time.Second)
	p.MustElement("#advanced summary").MustClick()
	if v := p.MustElement("#param-cache").MustProperty("value").String(); v != "informer" {
		t.Fatalf("the cache control shows %q", v)
	}
	waitText(t, p, "#trace-title", "StatefulSet pods are created in order, each once its predecessors are Running and Ready: 9 steps", time.Minute)
	p.MustElement("#step-9 button").MustClick()
	waitText(t, p, "#step-action", "9. statefulset-controller-1 read pods at revision 8 (1 behind latest), statefulsets, controllerrevisions and persistentvolumeclaims at revision 9 (latest) and created pod web-1", 5*time.Second)
	if text := p.MustElement(`#cluster g.node[data-node="node-1"]`).MustProperty("textContent").String(); !strings.Contains(text, "crashed") {
		t.Fatalf("node-1 is not drawn as crashed: %q", text)
	}
	waitText(t, p, "#saw summary", "What statefulset-controller-1 saw (pods at 8, statefulsets at 9, controllerrevisions at 9, persistentvolumeclaims at 9) beside the latest (revision 9)", time.Second)
	if text := p.MustElement(`#saw-view g.node[data-node="node-1"]`).MustProperty("textContent").String(); !strings.Contains(text, "web-0") {
		t.Fatalf("the StatefulSet controller's pod cache still has web-0 on node-1: %q", text)
	}
	if n := len(p.MustElements(`#timeline g.lane[data-controller="statefulset-controller-1"] circle[data-step="9"]`)); n != 4 {
		t.Fatalf("%d marks for step 9's four caches", n)
	}
	p.MustElement("#tables summary").MustClick()
	waitText(t, p, "#state", "pods rev 8, statefulsets rev 9, controllerrevisions rev 9, persistentvolumeclaims rev 9", time.Second)
	screenshot(t, p, "informer.png")
	// The same scenario with one snapshot per step reads one revision for every kind.
	choose(p, "#param-cache", "snapshot")
	waitText(t, p, "#cli", "--set cache=snapshot", 5*time.Second)
	p.MustElement("#run").MustClick()
	// Both traces have 9 steps: select step 9 until the new trace shows (the old one may still
	// be on the page when the click lands).
	want := "9. statefulset-controller-1 read revision 7 (2 behind latest) and created pod web-1"
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(100 * time.Millisecond) {
		if el, err := p.Sleeper(rod.NotFoundSleeper).Element("#step-9 button"); err == nil {
			el.Eval("() => this.click()")
		}
		if el, err := p.Sleeper(rod.NotFoundSleeper).Element("#step-action"); err == nil {
			if text, _ := el.Text(); strings.Contains(text, want) {
				break
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("step 9 of the snapshot trace never showed %q", want)
		}
	}
}
