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
