package playground

// runStatus is where a check stands: the page's, its side-by-side one's, a tutorial widget's.
type runStatus uint8

const (
	runIdle      runStatus = iota // no check, or its results were dropped (the settings changed)
	runRunning                    // started; progress arrives
	runDone                       // its report is in
	runCancelled                  // cancelled: the verdicts it reached arrive after, partial
	runFailed                     // the worker reported an error
)

// running reports whether the check is under way.
func (s runStatus) running() bool { return s == runRunning }

// partial reports whether the check was cancelled, so that its report (if any) is partial.
func (s runStatus) partial() bool { return s == runCancelled }

// finish is the status once a check's report arrives: a cancelled check's stays cancelled.
func (s runStatus) finish() runStatus {
	if s == runCancelled {
		return s
	}
	return runDone
}
