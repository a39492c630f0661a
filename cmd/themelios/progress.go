package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"time"

	"github.com/themelios/themelios/checker"
)

// progress reports a running search on stderr: on a terminal, one line redrawn in place;
// otherwise a plain line each time.
type progress struct {
	w     io.Writer
	tty   bool
	drawn bool
}

// isTerminal reports whether w is a character device (a terminal), as far as os can tell.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

func (p *progress) update(pr checker.Progress) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	line := fmt.Sprintf("%s states, %s unique, depth %d, queue %s, %s/s, %d MiB, %s",
		checker.Thousands(pr.Generated), checker.Thousands(pr.Unique), pr.Depth, checker.Thousands(pr.Queue),
		checker.Thousands(int64(pr.Rate)), ms.HeapInuse>>20, pr.Elapsed.Round(100*time.Millisecond))
	if pr.Liveness > 0 {
		// Not "of" the unique count: under symmetry the pass expands an orbit once for each
		// renaming it is reached under (the product of the quotient), which can be more.
		line = fmt.Sprintf("search done (%s unique); liveness pass: %s states expanded, %d MiB, %s",
			checker.Thousands(pr.Unique), checker.Thousands(pr.Liveness), ms.HeapInuse>>20, pr.Elapsed.Round(100*time.Millisecond))
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintf(p.w, "progress: %s\n", line)
}

// clear erases the live line before the result is printed.
func (p *progress) clear() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}
