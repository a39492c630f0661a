package main

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"time"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/orchestration"
	"github.com/themelios/themelios/models/scenario"
)

// liveCost measures what the temporal properties cost: the same complete check of a scenario
// with the liveness pass and without (Options.NoLiveness), in one run (the fastest of runs
// each), and prints a Markdown table.
func liveCost(name string, sets []string, runs int) error {
	var b scenario.Builtin
	for _, x := range scenario.Builtins() {
		if x.Name == name {
			b = x
		}
	}
	set := b.Settings
	for _, s := range sets {
		name, value, _ := strings.Cut(s, "=")
		if err := set.Set(name, value); err != nil {
			return err
		}
	}
	if b.Scenario == nil {
		return fmt.Errorf("no scenario %s", name)
	}
	cfg, err := b.Config(set)
	if err != nil {
		return err
	}
	m, err := orchestration.New(cfg)
	if err != nil {
		return err
	}
	type result struct {
		seconds float64
		r       checker.Result[orchestration.State, orchestration.Action]
	}
	temporal := 0
	for _, p := range m.Properties() {
		if p.Expect.Temporal() {
			temporal++
		}
	}
	measure := func(noLiveness, noReduction bool) (result, error) {
		var best result
		for range runs {
			runtime.GC()
			start := time.Now()
			r, err := checker.Check(context.Background(), m, checker.Options{Workers: runtime.NumCPU(), NoLiveness: noLiveness, NoReduction: noReduction})
			el := time.Since(start).Seconds()
			if err != nil || !r.Complete {
				return best, fmt.Errorf("%s: %v, complete %v", name, err, r.Complete)
			}
			if best.seconds == 0 || el < best.seconds {
				best = result{seconds: el, r: r}
			}
		}
		return best, nil
	}
	safe, err := measure(true, true)
	if err != nil {
		return err
	}
	live, err := measure(false, true)
	if err != nil {
		return err
	}
	reduced, err := measure(false, false)
	if err != nil {
		return err
	}
	fmt.Printf("\nThe cost of liveness: %s %v (%d unique states), BFS on %d workers, complete, without the reduction but in the last row, in one run:\n\n", name, sets, live.r.Unique, runtime.NumCPU())
	fmt.Println("| properties | seconds | visited table bytes/state | liveness graph bytes/state | time ratio |")
	fmt.Println("|---|---:|---:|---:|---:|")
	for _, row := range []struct {
		name string
		res  result
	}{
		{fmt.Sprintf("%d safety, liveness skipped", len(m.Properties())-temporal), safe},
		{fmt.Sprintf("%d safety and %d temporal", len(m.Properties())-temporal, temporal), live},
		{fmt.Sprintf("%d safety and %d temporal, reduction on", len(m.Properties())-temporal, temporal), reduced},
	} {
		fmt.Printf("| %s | %.2f | %.1f | %.1f | %.2f |\n", row.name, row.res.seconds, row.res.r.BytesPerState(),
			float64(row.res.r.LiveBytes)/float64(row.res.r.Unique), row.res.seconds/safe.seconds)
	}
	return nil
}
