package checker

// blockShift sets the size of the blocks of a blockList: 1<<blockShift elements.
const blockShift = 12

// blockList is an append-only sequence stored in fixed-size blocks, recycled on reset: it
// grows without copying and its memory is reused from one BFS level to the next.
type blockList[T any] struct {
	blocks [][]T
	free   [][]T
	n      int
}

// push appends v.
func (l *blockList[T]) push(v T) {
	k := l.n >> blockShift
	if k == len(l.blocks) {
		if f := len(l.free); f > 0 {
			l.blocks = append(l.blocks, l.free[f-1])
			l.free = l.free[:f-1]
		} else {
			l.blocks = append(l.blocks, make([]T, 1<<blockShift))
		}
	}
	l.blocks[k][l.n&(1<<blockShift-1)] = v
	l.n++
}

// at returns a pointer to element i.
func (l *blockList[T]) at(i int) *T { return &l.blocks[i>>blockShift][i&(1<<blockShift-1)] }

// pieces calls fn with the contiguous runs of elements lo..hi-1, in order.
func (l *blockList[T]) pieces(lo, hi int, fn func([]T)) {
	for lo < hi {
		end := min(hi, (lo>>blockShift+1)<<blockShift)
		fn(l.blocks[lo>>blockShift][lo&(1<<blockShift-1) : end-(lo>>blockShift)<<blockShift])
		lo = end
	}
}

// reset empties the list, keeping its blocks for reuse.
func (l *blockList[T]) reset() {
	l.free = append(l.free, l.blocks...)
	l.blocks = l.blocks[:0]
	l.n = 0
}
