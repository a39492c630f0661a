package checker

import (
	"context"
	"sync"
	"time"
)

// engine is a strategy: it advances in slices and assembles its result.
type engine[S, A any] interface {
	step(ctx context.Context, budget int) (done bool)
	queue() int64
	currentDepth() int
	finish() Result[S, A]
}

// Run is a check that advances in slices, for hosts that must stay responsive between them
// (a single-threaded WebAssembly page): each Step expands at most a given number of states.
// A Run explores on one worker; it is not safe for concurrent use.
type Run[S, A any] struct {
	c    *core[S, A]
	e    engine[S, A]
	done bool
}

// NewRun prepares a check of m. Nothing is explored until Step.
func NewRun[S, A any](m Model[S, A], opts Options) (*Run[S, A], error) {
	return newRun(m, opts, 1)
}

func newRun[S, A any](m Model[S, A], opts Options, workers int) (*Run[S, A], error) {
	c, err := newCore(m, opts, opts.Strategy == BFS, workers)
	if err != nil {
		return nil, err
	}
	r := &Run[S, A]{c: c}
	switch opts.Strategy {
	case BFS:
		r.e = newBFS(c, workers)
	case DFS:
		r.e = newDFS(c)
	default:
		r.e = newSimulate(c)
	}
	return r, nil
}

// Step expands at most budget states (BFS, DFS), or runs whole walks until budget states were
// walked (simulation), and reports whether the check is over. It returns early when ctx is
// done, the time is up or a bound is hit; the check is then over, its result not complete and
// Result.Stopped saying why.
func (r *Run[S, A]) Step(ctx context.Context, budget int) bool {
	r.c.ctx = ctx
	if !r.done {
		r.done = r.e.step(ctx, budget)
	}
	return r.done
}

// Progress returns a snapshot of the search.
func (r *Run[S, A]) Progress() Progress {
	return r.c.progress(r.e.currentDepth(), r.e.queue())
}

// Result returns the outcome so far (before Step has returned true: a partial result, stopped
// as interrupted); after Step has returned true, the final outcome.
func (r *Run[S, A]) Result() Result[S, A] { return r.e.finish() }

// Check explores m to the end (or a bound) and returns the result; its error reports invalid
// options or a model fault (a trace that cannot be re-executed). BFS and simulation run on
// opts.Workers goroutines (one when capturing a graph); the result does not depend on how many.
func Check[S, A any](ctx context.Context, m Model[S, A], opts Options) (Result[S, A], error) {
	workers := max(opts.Workers, 1)
	if opts.Strategy == DFS || opts.GraphLimit > 0 {
		workers = 1
	}
	r, err := newRun(m, opts, workers)
	if err != nil {
		return Result[S, A]{}, err
	}
	r.c.ctx = ctx
	every := opts.ProgressEvery
	if every <= 0 {
		every = time.Second
	}
	if sim, ok := r.e.(*simulate[S, A]); ok && workers > 1 {
		sim.workers = workers
		last := time.Now()
		sim.runParallel(ctx, workers, func() {
			if opts.Progress != nil && time.Since(last) >= every {
				opts.Progress(r.Progress())
				last = time.Now()
			}
		})
	} else if workers > 1 {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		if opts.Progress != nil {
			wg.Go(func() {
				t := time.NewTicker(max(every, time.Millisecond)) // (a finer ticker can keep Go's WebAssembly runtime in its timers)
				defer t.Stop()
				for {
					select {
					case <-stop:
						return
					case <-t.C:
						opts.Progress(r.Progress())
					}
				}
			})
		}
		r.e.(*bfs[S, A]).runParallel(ctx)
		close(stop)
		wg.Wait()
	} else {
		last := time.Now()
		for !r.Step(ctx, 4096) {
			if opts.Progress != nil && time.Since(last) >= every {
				opts.Progress(r.Progress())
				last = time.Now()
			}
		}
	}
	res := r.Result()
	return res, res.Err
}
