package checker

// NewProcModel is a random model of interchangeable processes (quotient_test.go), for the
// external tests.
func NewProcModel(seed uint64) Model[procState, procAction] { return newProcModel(seed) }

// CovModel is a model of two interchangeable processes with covered steps
// (quotient_test.go), for the external tests.
func CovModel() Model[covState, int] { return covModel{} }
