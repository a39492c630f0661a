package checker

// NewProcModel is a random model of interchangeable processes (quotient_test.go), for the
// external tests.
func NewProcModel(seed uint64) Model[procState, procAction] { return newProcModel(seed) }
