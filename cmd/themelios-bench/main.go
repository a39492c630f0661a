// Command themelios-bench measures the checker against Spin on two-phase commit and prints a
// Markdown table (make bench), then the playground's Web Worker in headless Chromium against
// the native checker. It needs spin, gcc and Debian's chromium, and the built site (make bench
// installs and builds them).
//
// Every tool checks the same TwoPhase state space exhaustively: our BFS on one worker and on
// every core, our DFS, and Spin's exhaustive search with partial-order reduction off. Each is
// run several times in this one process and its fastest run is reported.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/classic"
)

// row is one measured tool.
type row struct {
	tool          string
	unique        int64
	generated     int64
	seconds       float64
	bytesPerState float64
}

func main() {
	rms := flag.Int("rms", 8, "resource managers")
	runs := flag.Int("runs", 3, "runs per tool (the fastest is reported)")
	site := flag.String("site", "site", "the built site, for the browser measurement (empty: skip it)")
	browserRMs := flag.Int("browser-rms", 7, "resource managers for the browser measurement")
	weightOnly := flag.Bool("weight-only", false, "measure only the page weight and a first visit (needs -site)")
	headlineOnly := flag.Bool("headline-only", false, "measure only the headline check in the browser and natively (needs -site)")
	widgetsOnly := flag.Bool("widgets-only", false, "measure only the tutorials' widgets in the browser and natively (needs -site)")
	everyStepOnly := flag.Bool("every-step-only", false, "measure only the 59848 and replicaset checks with every step explored, in the browser and natively (needs -site; an older build's site measures its worker)")
	flag.Parse()
	if *runs < 1 {
		fmt.Fprintf(os.Stderr, "themelios-bench: -runs must be at least 1, not %d\n", *runs)
		os.Exit(2)
	}
	if *headlineOnly {
		if err := headlineInBrowser(*site, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
			os.Exit(1)
		}
		return
	}
	if *widgetsOnly {
		if err := tutorialWidgets(*site, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
			os.Exit(1)
		}
		return
	}
	if *everyStepOnly {
		if err := everyStepInBrowser(*site, *runs); err != nil {
			fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
			os.Exit(1)
		}
		return
	}
	if *weightOnly {
		if err := pageWeight(*site); err != nil {
			fmt.Fprintln(os.Stderr, "themelios-bench: page weight:", err)
			os.Exit(1)
		}
		return
	}
	rows, err := measure(*rms, *runs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench:", err)
		os.Exit(1)
	}
	printTable(*rms, rows)
	if err := liveCost("statefulset/stale-reads", []string{"controllers=2"}, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench:", err)
		os.Exit(1)
	}
	if err := orchestrationTable(*runs); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench:", err)
		os.Exit(1)
	}
	if *site == "" {
		return
	}
	native, browser, unique, err := browserRate(*site, *browserRMs)
	if err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
		os.Exit(1)
	}
	fmt.Printf("\nTwo-phase commit, %d resource managers (%d unique states), BFS on one worker, in one run:\n\n", *browserRMs, unique)
	fmt.Println("| where | unique states/s | ratio to native |")
	fmt.Println("|---|---:|---:|")
	fmt.Printf("| native | %.0f | 1.00 |\n", native)
	fmt.Printf("| Web Worker in headless Chromium (WebAssembly) | %.0f | %.2f |\n", browser, browser/native)
	if err := headlineInBrowser(*site, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
		os.Exit(1)
	}
	if err := everyStepInBrowser(*site, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench: browser:", err)
		os.Exit(1)
	}
	if err := pageWeight(*site); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench: page weight:", err)
		os.Exit(1)
	}
	if err := tutorialWidgets(*site, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "themelios-bench: tutorial widgets:", err)
		os.Exit(1)
	}
}

func measure(rms, runs int) ([]row, error) {
	m, err := classic.NewTwoPhase(rms)
	if err != nil {
		return nil, err
	}
	var rows []row
	configs := []struct {
		name string
		opts checker.Options
	}{
		{"Themelios BFS, 1 worker", checker.Options{Workers: 1}},
		{fmt.Sprintf("Themelios BFS, %d workers", runtime.NumCPU()), checker.Options{Workers: runtime.NumCPU()}},
		{"Themelios DFS", checker.Options{Strategy: checker.DFS}},
	}
	for _, c := range configs {
		best := row{tool: c.name}
		for i := 0; i < runs; i++ {
			runtime.GC()
			start := time.Now()
			r, err := checker.Check(context.Background(), m, c.opts)
			el := time.Since(start).Seconds()
			if err != nil {
				return nil, err
			}
			if !r.Complete {
				return nil, fmt.Errorf("%s: incomplete", c.name)
			}
			if best.seconds == 0 || el < best.seconds {
				best = row{c.name, r.Unique, r.Generated, el, r.BytesPerState()}
			}
		}
		rows = append(rows, best)
	}
	s, err := spin(rms, runs)
	if err != nil {
		return nil, err
	}
	return append(rows, s), nil
}

var (
	storedRe  = regexp.MustCompile(`(\d+) states, stored`)
	transRe   = regexp.MustCompile(`(\d+) transitions`)
	memTotal  = regexp.MustCompile(`([\d.]+)\s+total actual memory usage`)
	errorsRe  = regexp.MustCompile(`errors: (\d+)`)
	spinFlags = []string{"-O2", "-DNOREDUCE", "-DSAFETY", "-DMEMLIM=16384"}
)

// spin generates the Promela model, compiles Spin's verifier and runs it.
func spin(rms, runs int) (row, error) {
	dir, err := os.MkdirTemp("", "themelios-spin")
	if err != nil {
		return row{}, err
	}
	defer os.RemoveAll(dir)
	if err := os.WriteFile(filepath.Join(dir, "twophase.pml"), []byte(twoPhasePromela(rms)), 0o644); err != nil {
		return row{}, err
	}
	for _, cmd := range [][]string{{"spin", "-a", "twophase.pml"}, append(append([]string{"gcc"}, spinFlags...), "-o", "pan", "pan.c")} {
		c := exec.Command(cmd[0], cmd[1:]...)
		c.Dir = dir
		if out, err := c.CombinedOutput(); err != nil {
			return row{}, fmt.Errorf("%v: %v\n%s(make bench installs Spin; gcc is needed too)", cmd, err, out)
		}
	}
	best := row{tool: "Spin 6 exhaustive, partial-order reduction off"}
	for i := 0; i < runs; i++ {
		c := exec.Command("./pan", "-m1000", "-w22")
		c.Dir = dir
		start := time.Now()
		out, err := c.CombinedOutput()
		el := time.Since(start).Seconds()
		if err != nil {
			return row{}, fmt.Errorf("pan: %v\n%s", err, out)
		}
		stored, trans, mem, errs := find(storedRe, out), find(transRe, out), find(memTotal, out), find(errorsRe, out)
		if stored == 0 || errs != 0 {
			return row{}, fmt.Errorf("pan: unexpected output:\n%s", out)
		}
		if best.seconds == 0 || el < best.seconds {
			// Spin's transitions (stored + matched) count what TLC calls states generated.
			best = row{best.tool, int64(stored), int64(trans), el, mem * (1 << 20) / stored}
		}
	}
	return best, nil
}

func find(re *regexp.Regexp, out []byte) float64 {
	m := re.FindSubmatch(out)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(string(m[1]), 64)
	return v
}

func printTable(rms int, rows []row) {
	spin := rows[len(rows)-1]
	spinRate := float64(spin.unique) / spin.seconds
	fmt.Printf("Two-phase commit, %d resource managers, on %d cores (%s/%s, %s):\n\n", rms, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Println("| tool | unique states | generated | seconds | unique states/s | generated states/s | bytes per unique state | ratio to Spin |")
	fmt.Println("|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, r := range rows {
		rate := float64(r.unique) / r.seconds
		fmt.Printf("| %s | %d | %d | %.2f | %.0f | %.0f | %.1f | %.2f |\n",
			r.tool, r.unique, r.generated, r.seconds, rate, float64(r.generated)/r.seconds, r.bytesPerState, rate/spinRate)
	}
	fmt.Println("\nBytes per unique state: our visited-state table (fingerprints and parent links); Spin's total memory (states and hash table).")
}
