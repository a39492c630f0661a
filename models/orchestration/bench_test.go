package orchestration_test

import (
	"context"
	"testing"

	"github.com/themelios/themelios/checker"
	"github.com/themelios/themelios/models/datastore"
	"github.com/themelios/themelios/models/scenario"
)

// BenchmarkCheck measures a bounded check of a weak level (the matrix's typical cell), the
// safety properties only, and with the liveness pass that looks for lassos among its states.
func BenchmarkCheck(b *testing.B) {
	m := model(b, "replicaset/spec-replicas-change", func(s *scenario.Settings) { s.Consistency, s.Controllers = datastore.MonotonicSession, 2 })
	for _, c := range []struct {
		name       string
		noLiveness bool
	}{{"safety", true}, {"liveness", false}} {
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r, _ := checker.Check(context.Background(), m, checker.Options{Workers: 1, MaxStates: 50000, NoLiveness: c.noLiveness})
				b.ReportMetric(float64(r.Unique)/r.Duration.Seconds(), "states/s")
			}
		})
	}
}

// BenchmarkHeadline is the playground's headline check, Kubernetes issue 59848
// (statefulset/stale-reads under resettable-session), to its first violation, on one worker.
func BenchmarkHeadline(b *testing.B) { benchHeadline(b, checker.Options{Workers: 1}) }

// BenchmarkHeadlineUnreduced is the same check with every step explored: the per-state cost on
// the same states as before the reduction.
func BenchmarkHeadlineUnreduced(b *testing.B) {
	benchHeadline(b, checker.Options{Workers: 1, NoReduction: true})
}

// BenchmarkHeadlineSymmetry is the headline check under symmetry (the playground's card): one
// state per orbit, the two nodes interchangeable.
func BenchmarkHeadlineSymmetry(b *testing.B) {
	benchHeadline(b, checker.Options{Workers: 1, Symmetry: true})
}

// benchHeadline checks the headline with opts and reports generated states per second and the
// distinct states.
func benchHeadline(b *testing.B, opts checker.Options) {
	m := model(b, "statefulset/stale-reads", func(s *scenario.Settings) { s.Consistency = datastore.ResettableSession })
	for i := 0; i < b.N; i++ {
		r, _ := checker.Check(context.Background(), m, opts)
		b.ReportMetric(float64(r.Generated)/r.Duration.Seconds(), "generated/s")
		b.ReportMetric(float64(r.Unique), "states")
	}
}
