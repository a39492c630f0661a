package checker

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// A partitioned search is one BFS run by several instances of the checker that share no
// memory, each with its own copy of the model: the Web Workers of a browser tab, each a
// WebAssembly program with one thread. Each instance expands a share of every level and keeps
// the states its share reaches; at the end of a level the instances send each other what their
// share found, and each applies all of it to its own copy of the visited table. No state
// travels between instances, only fingerprints and positions, because the orchestration
// model's canonical encoding cannot be decoded into a state.
//
// How it stays a sequential BFS. Up to the first level with at least splitWidth states (and at
// least four per instance), every instance runs the same one-worker BFS (replicated: the same
// states, table and counts). From that level on, the states of a level are shared out by
// position, the one at position p to
// instance p mod n (interleaved, so that the claims of two instances on one state, which the
// lower position wins, favour neither), and afterwards a state belongs to the instance that
// expanded the parent whose claim it holds. Every instance sends, at the end of each level:
// each successor its share claimed (fingerprint and the parent's position, in the order it
// expanded them), the number of successors each of its states generated, its first position
// left unexpanded (when it stopped), its property candidates and why it stopped, if it did.
// Each instance then makes every claim in its table; a claim's outcome (the lowest position
// wins) does not depend on the order, so all tables agree. The next level's order is that of
// a sequential BFS: the kept claims by parent position, and a parent's own in the order its
// expansion found them. The bounds and stops (endShared) are the sequential search's, decided
// on the merged claims the same way by every instance, so the distinct states, the states
// generated, the depth, the verdicts and the traces (rebuilt from the table's parent links by
// replay, on any instance) are those of a one-worker BFS; the tests compare them
// (partition_test.go).
//
// The temporal properties. Their liveness pass decides on the state graph that BFS records as
// it goes (liveRecord: each expanded state's fingerprint, conditions and edges, by position).
// Each instance records the expansions of its share; at a level's end the others send theirs
// with their part, and the first instance puts them at their positions, so that its record is
// the one-worker BFS's and its pass decides as that one's does. The numbers a record holds that
// an instance gives as it meets them (action groups, and under symmetry permutations and
// classes of processes) travel with their tables and are renumbered by the first instance. The
// other instances decide no temporal property (their Result leaves them unknown). Left out:
// GraphLimit, and Eventually properties, which BFS decides at dead ends with the path's
// history; NewPartitionedRun refuses them.

// Peer links the instances of a partitioned search. Every instance calls AllGather the same
// number of times, in the same order.
type Peer interface {
	// Rank is this instance's number, 0 to Size()-1.
	Rank() int
	// Size is the number of instances.
	Size() int
	// AllGather sends part to every other instance and returns every instance's part, in rank
	// order (this instance's own at Rank()). An error means the link is broken: the search
	// stops, interrupted.
	AllGather(part []byte) ([][]byte, error)
}

// ErrNotPartitionable is NewPartitionedRun's error for a check a partitioned search cannot run
// (see Peer): run it on one instance.
var ErrNotPartitionable = errors.New("checker: this check cannot be partitioned")

// splitWidth is the width of the first level a partitioned search shares out: the levels before
// it, each of fewer states, are expanded by every instance.
const splitWidth = 64

// NewPartitionedRun prepares this instance's part of a partitioned BFS of m (opts.Strategy must
// be BFS) with the other instances peer links to, each running the same model with the same
// options. Its Step and Result are a Run's; Result, on every instance, is the one-worker BFS's
// (Result.Workers is the number of instances; the temporal properties are decided on the first
// instance only, see above). It fails with ErrNotPartitionable (wrapped) for a check that
// captures the state graph (GraphLimit) or has Eventually properties.
func NewPartitionedRun[S, A any](m Model[S, A], opts Options, peer Peer) (*Run[S, A], error) {
	return newPartitionedRun(m, opts, peer, splitWidth)
}

// newPartitionedRun is NewPartitionedRun sharing out the first level of at least splitAt states
// (and four per instance).
func newPartitionedRun[S, A any](m Model[S, A], opts Options, peer Peer, splitAt int64) (*Run[S, A], error) {
	if opts.Strategy != BFS {
		return nil, fmt.Errorf("%w: only BFS is", ErrNotPartitionable)
	}
	if peer == nil || peer.Size() < 1 || peer.Rank() < 0 || peer.Rank() >= peer.Size() {
		return nil, fmt.Errorf("checker: a partitioned run needs a peer with a rank below its size")
	}
	c, err := newCore(m, opts, true, 1)
	if err != nil {
		return nil, err
	}
	switch {
	case c.graph != nil:
		return nil, fmt.Errorf("%w: it captures the state graph", ErrNotPartitionable)
	case c.eventually != 0:
		return nil, fmt.Errorf("%w: it has Eventually properties", ErrNotPartitionable)
	}
	if peer.Rank() > 0 {
		c.opts.NoLiveness = true // it records its share of the graph for the first instance
	}
	b := &bfs[S, A]{core: c, peer: peer, splitAt: splitAt}
	b.recycler, _ = m.(Recycler[S, A])
	b.workers = []*bfsWorker[S, A]{{id: 0, unit: -1, out: &blockList[entry[S]]{}, prev: &blockList[entry[S]]{}}}
	b.start()
	return &Run[S, A]{c: c, e: b}, nil
}

// split shares out the level just built (every instance holds all of it): this instance keeps
// the positions p with p mod n equal to its rank, and every instance remembers the level's
// fingerprints in position order (the parents of the claims it will receive).
func (b *bfs[S, A]) split() {
	b.shared = true
	n, rank := uint32(b.peer.Size()), uint32(b.peer.Rank())
	b.levelFPs = b.levelFPs[:0]
	units := b.units
	b.units = make([]unit[S], 0, len(units)/int(n)+1)
	for _, u := range units {
		for i := range u.src {
			b.levelFPs = append(b.levelFPs, u.src[i].fp)
			if p := u.pos + uint32(i); p%n == rank {
				b.units = append(b.units, unit[S]{src: u.src[i : i+1], pos: p, worker: -1})
			}
		}
	}
}

// claimRef is a successor's claim as the instances send it: the state's fingerprint and the
// position of the parent that claimed it.
type claimRef struct {
	fp  uint64
	pos uint32
}

// posGen is how many successors the state at a position generated.
type posGen struct {
	pos, gen uint32
}

// sharePart is what an instance sends at the end of a level (see the comment at the top).
type sharePart struct {
	halt   Stop
	prefix uint32 // its first position not expanded, or the level's width
	gens   []posGen
	claims []claimRef
	cands  []candidate
	// From the instances but the first, under a record (see the comment at the top): the
	// recorded expansions of the states in gens, in that order (fingerprints left out: the
	// level's), their conditions (the record's words per state), and the tables of the numbers
	// they hold, by number: action groups, permutations and classes (0, the identity, nil).
	recs            []liveExpansion
	labels          []uint64
	groups          []ActionGroup
	perms, classes  [][]int
	permsOverflowed bool
}

// encodePart writes p as bytes: varints, but the fingerprints in 8 bytes.
func encodePart(buf []byte, p *sharePart) []byte {
	buf = binary.AppendUvarint(buf, uint64(p.halt))
	buf = binary.AppendUvarint(buf, uint64(p.prefix))
	buf = binary.AppendUvarint(buf, uint64(len(p.gens)))
	last := uint32(0)
	for _, g := range p.gens {
		buf = binary.AppendUvarint(buf, uint64(g.pos-last))
		buf = binary.AppendUvarint(buf, uint64(g.gen))
		last = g.pos
	}
	buf = binary.AppendUvarint(buf, uint64(len(p.claims)))
	last = 0
	for _, c := range p.claims {
		buf = binary.LittleEndian.AppendUint64(buf, c.fp)
		buf = binary.AppendUvarint(buf, uint64(c.pos-last))
		last = c.pos
	}
	buf = binary.AppendUvarint(buf, uint64(len(p.cands)))
	for _, c := range p.cands {
		buf = binary.AppendUvarint(buf, uint64(c.prop))
		buf = binary.LittleEndian.AppendUint64(buf, c.fp)
		buf = binary.AppendUvarint(buf, uint64(c.pos))
		buf = binary.AppendUvarint(buf, uint64(c.seq))
		buf = binary.AppendUvarint(buf, uint64(bit(c.terminal)))
	}
	buf = binary.AppendUvarint(buf, uint64(len(p.recs)))
	words := 0
	if len(p.recs) > 0 {
		words = len(p.labels) / len(p.recs)
	}
	buf = binary.AppendUvarint(buf, uint64(words))
	for k, e := range p.recs {
		buf = binary.AppendVarint(buf, int64(e.perm))
		buf = binary.AppendVarint(buf, int64(e.classes))
		for _, w := range p.labels[k*words : (k+1)*words] {
			buf = binary.AppendUvarint(buf, w)
		}
		buf = binary.AppendUvarint(buf, uint64(len(e.succ)))
		for _, x := range e.succ {
			buf = binary.LittleEndian.AppendUint64(buf, x.fp)
			buf = binary.AppendUvarint(buf, uint64(x.act))
			buf = binary.AppendUvarint(buf, uint64(x.group))
			buf = binary.AppendVarint(buf, int64(x.perm))
		}
		buf = binary.AppendUvarint(buf, uint64(len(e.covered)))
		for _, g := range e.covered {
			buf = binary.AppendUvarint(buf, uint64(g))
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(p.groups)))
	for _, g := range p.groups {
		buf = binary.AppendUvarint(buf, uint64(len(g.Name)))
		buf = append(buf, g.Name...)
		buf = binary.AppendUvarint(buf, uint64(bit(g.Fair)|bit(g.Environment)<<1))
	}
	for _, table := range [][][]int{p.perms, p.classes} {
		buf = binary.AppendUvarint(buf, uint64(len(table)))
		for _, perm := range table {
			buf = binary.AppendUvarint(buf, uint64(len(perm)))
			for _, x := range perm {
				buf = binary.AppendUvarint(buf, uint64(x))
			}
		}
	}
	buf = binary.AppendUvarint(buf, uint64(bit(p.permsOverflowed)))
	return buf
}

// bit is 1 for true.
func bit(b bool) int {
	if b {
		return 1
	}
	return 0
}

// errBadPart is decodePart's error.
var errBadPart = errors.New("checker: a partitioned search received a malformed part")

// partReader reads an encoded part; a read past its end or of a malformed number sets bad.
type partReader struct {
	data []byte
	bad  bool
}

// uvarint reads an unsigned varint.
func (r *partReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.data)
	return r.took(n, int64(v))
}

// varint reads a signed varint.
func (r *partReader) varint() int64 {
	v, n := binary.Varint(r.data)
	return int64(r.took(n, v))
}

// took consumes the n bytes that gave v (as its bits), or marks the read bad (n <= 0).
func (r *partReader) took(n int, v int64) uint64 {
	if n <= 0 {
		r.bad, r.data = true, nil
		return 0
	}
	r.data = r.data[n:]
	return uint64(v)
}

// u64 reads 8 bytes, little-endian.
func (r *partReader) u64() uint64 {
	if len(r.data) < 8 {
		r.bad, r.data = true, nil
		return 0
	}
	v := binary.LittleEndian.Uint64(r.data)
	r.data = r.data[8:]
	return v
}

// count reads a length, at most what the remaining bytes can hold at size bytes each.
func (r *partReader) count(size int) int {
	n := r.uvarint()
	if n > uint64(len(r.data)/size) {
		r.bad = true
		return 0
	}
	return int(n)
}

// decodePart reads what encodePart wrote into p, reusing p's memory.
func decodePart(data []byte, p *sharePart) error {
	rd := &partReader{data: data}
	uv, sv, u64, count := rd.uvarint, rd.varint, rd.u64, rd.count
	p.halt = Stop(uv())
	p.prefix = uint32(uv())
	p.gens = p.gens[:0]
	last := uint32(0)
	for range count(2) {
		last += uint32(uv())
		p.gens = append(p.gens, posGen{pos: last, gen: uint32(uv())})
	}
	p.claims = p.claims[:0]
	last = 0
	for range count(9) {
		fp := u64()
		last += uint32(uv())
		p.claims = append(p.claims, claimRef{fp: fp, pos: last})
	}
	p.cands = p.cands[:0]
	for range count(12) {
		c := candidate{prop: int(uv()), fp: u64(), pos: uint32(uv()), seq: int(uv()), terminal: uv() == 1}
		p.cands = append(p.cands, c)
	}
	p.recs, p.labels = p.recs[:0], p.labels[:0]
	n := count(4)
	words := uv()
	if uint64(n)*words > uint64(len(rd.data)) { // a label word takes a byte at least
		rd.bad = true
		n = 0
	}
	for range n {
		e := liveExpansion{perm: int16(sv()), classes: int16(sv())}
		for range int(words) {
			p.labels = append(p.labels, uv())
		}
		e.succ = make([]liveSucc, count(11))
		for i := range e.succ {
			e.succ[i] = liveSucc{fp: u64(), act: int32(uv()), group: int16(uv()), perm: int16(sv())}
		}
		e.covered = make([]int16, count(1))
		for i := range e.covered {
			e.covered[i] = int16(uv())
		}
		p.recs = append(p.recs, e)
	}
	p.groups = p.groups[:0]
	for range count(2) {
		name := count(1)
		if rd.bad {
			break
		}
		g := ActionGroup{Name: string(rd.data[:name])}
		rd.data = rd.data[name:]
		flags := uv()
		g.Fair, g.Environment = flags&1 != 0, flags&2 != 0
		p.groups = append(p.groups, g)
	}
	for _, table := range []*[][]int{&p.perms, &p.classes} {
		*table = (*table)[:0]
		for range count(1) {
			var perm []int
			for range count(1) {
				perm = append(perm, int(uv()))
			}
			*table = append(*table, perm)
		}
	}
	p.permsOverflowed = uv() == 1
	if rd.bad || len(rd.data) != 0 {
		return errBadPart
	}
	return nil
}

// ownPart gathers this instance's part of the level being ended.
func (b *bfs[S, A]) ownPart() *sharePart {
	w := b.workers[0]
	p := &b.own
	p.halt, p.prefix = b.halted(), b.expandedPrefix()
	p.gens, p.claims = p.gens[:0], p.claims[:0]
	p.cands = append(p.cands[:0], w.cands...)
	for _, u := range b.units {
		for i := range u.expanded {
			p.gens = append(p.gens, posGen{pos: u.pos + uint32(i), gen: u.src[i].gen})
		}
		if u.worker < 0 {
			continue
		}
		w.out.pieces(u.lo, u.hi, func(seg []entry[S]) {
			for i := range seg {
				p.claims = append(p.claims, claimRef{fp: seg[i].fp, pos: seg[i].pos})
			}
		})
	}
	p.recs, p.labels, p.groups, p.perms, p.classes, p.permsOverflowed = p.recs[:0], p.labels[:0], p.groups[:0], p.perms[:0], p.classes[:0], false
	if r := b.record; r != nil && b.peer.Rank() > 0 {
		for _, g := range p.gens {
			p.recs = append(p.recs, r.level[g.pos])
			p.labels = append(p.labels, r.levelLabels[int(g.pos)*r.words:int(g.pos+1)*r.words]...)
		}
		if known := b.groups.known.Load(); known != nil {
			p.groups = append(p.groups, *known...)
		}
		p.perms, p.permsOverflowed = b.perms.snapshot(p.perms)
		p.classes, _ = b.classes.snapshot(p.classes)
	}
	return p
}

// snapshot appends the permutations of t by number to buf (nil for the identity) and says
// whether t overflowed; nothing for a nil t.
func (t *permTable) snapshot(buf [][]int) ([][]int, bool) {
	if t == nil {
		return buf, false
	}
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append(buf, t.list...), t.overflow
}

// renumber returns the number in t of the permutation numbered id in from (another instance's
// table, see snapshot).
func (t *permTable) renumber(from [][]int, id int16) int16 {
	if t == nil || id <= 0 || int(id) >= len(from) {
		return id // 0, the identity; stutterPerm; or a table this instance does not keep
	}
	return t.id(from[id])
}

// recordShared puts the other instances' recorded expansions of the level into the first
// instance's record, renumbered (see the comment at the top).
func (b *bfs[S, A]) recordShared(parts []*sharePart) {
	r := b.record
	for rank, p := range parts {
		if rank == b.peer.Rank() || len(p.recs) == 0 {
			continue
		}
		groups := make([]int16, len(p.groups))
		for i, g := range p.groups {
			groups[i] = b.groups.ofGroup(g)
		}
		group := func(g int16) int16 {
			if g >= 0 && int(g) < len(groups) {
				return groups[g]
			}
			return g
		}
		if p.permsOverflowed && b.perms != nil {
			b.perms.mu.Lock()
			b.perms.overflow = true
			b.perms.mu.Unlock()
		}
		words := len(p.labels) / len(p.recs)
		for k, e := range p.recs {
			if k >= len(p.gens) {
				break
			}
			pos := p.gens[k].pos
			e.fp = b.levelFPs[pos]
			e.perm = b.perms.renumber(p.perms, e.perm)
			e.classes = b.classes.renumber(p.classes, e.classes)
			for i := range e.succ {
				x := &e.succ[i]
				x.group = group(x.group)
				if x.perm != stutterPerm {
					x.perm = b.perms.renumber(p.perms, x.perm)
				}
			}
			for i := range e.covered {
				e.covered[i] = group(e.covered[i])
			}
			r.level[pos] = e
			copy(r.levelLabels[int(pos)*r.words:int(pos+1)*r.words], p.labels[k*words:(k+1)*words])
		}
	}
}

// endShared is endLevel for a partitioned search once the levels are shared out: the
// instances exchange their parts, and each applies them all the same way.
func (b *bfs[S, A]) endShared() {
	b.localStops()
	b.exchange = encodePart(b.exchange[:0], b.ownPart())
	raw, err := b.peer.AllGather(b.exchange)
	if err == nil && len(raw) != b.peer.Size() {
		err = fmt.Errorf("checker: a partitioned search received %d parts from %d instances", len(raw), b.peer.Size())
	}
	rank := b.peer.Rank()
	for len(b.parts) < len(raw) {
		b.parts = append(b.parts, &sharePart{})
	}
	parts := make([]*sharePart, len(raw))
	for r := range raw {
		if err != nil {
			break
		}
		parts[r] = &b.own
		if r != rank {
			parts[r] = b.parts[r]
			if err = decodePart(raw[r], parts[r]); err == nil && !b.fits(parts[r]) {
				err = errBadPart
			}
		}
	}
	if err != nil {
		b.linkFailed(err)
		b.done = true
		return
	}
	prefix := uint32(b.width.Load())
	for _, p := range parts {
		if p.halt != Exhausted {
			b.stopFor(p.halt) // the first stop in rank order, unless this instance had its own
		}
		prefix = min(prefix, p.prefix)
	}
	// The other instances' claims, into this instance's table.
	for r, p := range parts {
		if r == rank {
			continue
		}
		for _, c := range p.claims {
			_, res := b.table.claim(c.fp, c.pos)
			for res == claimFull {
				if !b.table.grow(serial) {
					b.full.Store(true)
					if b.err == nil {
						b.err = errors.New("checker: the visited table cannot grow further")
					}
					b.stopFor(StopMaxStates)
					b.done = true
					return
				}
				_, res = b.table.claim(c.fp, c.pos)
			}
			if res == claimNew {
				b.table.count.Add(1)
			}
		}
	}
	if b.table.grown != b.grown {
		for k := range b.units {
			b.reslot(&b.units[k])
		}
	}
	won := func(fp uint64, pos uint32) bool {
		slot := b.table.find(fp)
		return slot >= 0 && b.table.parents[slot] == claimBit|pos
	}
	// The claims of all instances in a sequential BFS's order: by parent position (a position
	// is one instance's), then in the order its expansion found them.
	merged := b.merged[:0]
	{
		at := make([]int, len(parts))
		for {
			best := -1
			for r, p := range parts {
				if at[r] < len(p.claims) && (best < 0 || p.claims[at[r]].pos < parts[best].claims[at[best]].pos) {
					best = r
				}
			}
			if best < 0 {
				break
			}
			merged = append(merged, rankedClaim{claimRef: parts[best].claims[at[best]], rank: best})
			at[best]++
		}
	}
	b.merged = merged
	width := uint32(b.width.Load())
	// Where a sequential BFS would have stopped expanding, on the merged claims.
	keep := b.keepBelow(prefix, func(yield func(uint32, bool) bool) {
		for _, c := range merged {
			if !yield(c.pos, won(c.fp, c.pos)) {
				return
			}
		}
	})
	bound := b.atStateBound()
	if bound && keep < width {
		// A one-worker search stops before the state past keep, at the bound, and so says
		// before it looks for violations at the level's end.
		b.stopFor(StopMaxStates)
	}
	if b.record != nil && rank == 0 {
		b.recordShared(parts)
		b.record.endLevel(int(keep))
	}
	// The first candidate per property in sequential BFS order.
	best := make([]*candidate, len(b.props))
	for _, p := range parts {
		for k := range p.cands {
			c := &p.cands[k]
			if c.pos >= keep || !c.terminal && !won(c.fp, c.pos) {
				continue
			}
			if o := best[c.prop]; o == nil || c.pos < o.pos || c.pos == o.pos && c.seq < o.seq {
				best[c.prop] = c
			}
		}
	}
	// The next level: its fingerprints in order, and the positions of this instance's states.
	next, mine := b.nextFPs[:0], b.mine[:0]
	for _, c := range merged {
		if c.pos < keep && won(c.fp, c.pos) {
			if c.rank == rank {
				mine = append(mine, uint32(len(next)))
			}
			next = append(next, c.fp)
		}
	}
	// Settle every claim into a parent link (or out of the table, past keep).
	for k := range b.units {
		b.settle(&b.units[k], keep)
	}
	for _, c := range merged {
		if c.rank == rank {
			continue
		}
		slot := b.table.find(c.fp)
		if c.pos >= keep {
			if slot >= 0 && b.table.parents[slot] == claimBit|c.pos { // (an earlier claim past keep may have taken it out)
				b.table.remove(slot)
			}
			continue
		}
		b.table.settle(slot, c.pos, uint32(b.table.find(b.levelFPs[c.pos])))
	}
	b.grown = b.table.grown
	gen := b.levelGen
	for _, p := range parts {
		for _, g := range p.gens {
			if g.pos < keep {
				gen += int64(g.gen)
			}
		}
	}
	b.generated.Store(gen)
	for i, c := range best {
		if c != nil {
			b.decideAll(1<<i, b.traceTo(c.fp))
		}
	}
	if len(next) > 0 {
		b.depth = b.level + 1
	}
	b.level++
	b.shown.Store(int64(b.level))
	b.levelFPs, b.nextFPs = next, b.levelFPs
	b.mine = mine
	if b.agreedStop() {
		b.done = true
		return
	}
	b.nextShared(mine, int64(len(next)))
}

// localStops records the stops this instance of a partitioned search sees on its own (a
// cancel, the time up, the memory bound), for its part at the level's end: they stop all
// the instances there.
func (b *bfs[S, A]) localStops() {
	ctx := b.ctx
	if ctx == nil {
		ctx = context.Background()
	}
	b.stopped(ctx)
}

// agreedStop reports whether a partitioned search stops at the end of a level, on what every
// instance knows alike there: a violation, the state bound (after the violation, as a
// one-worker search's levelStop), or a stop one of them reported.
func (b *bfs[S, A]) agreedStop() bool {
	violation := b.stopAtViolation()
	if b.atStateBound() {
		b.stopFor(StopMaxStates)
	}
	return violation || b.halted() != Exhausted
}

// linkFailed stops a partitioned search whose link to the other instances broke, with err.
func (b *bfs[S, A]) linkFailed(err error) {
	if b.err == nil {
		b.err = err
	}
	b.stopFor(StopInterrupted)
}

// fits reports whether another instance's part fits this level: its positions within the
// level, its properties this model's, its recorded conditions the record's size.
func (b *bfs[S, A]) fits(p *sharePart) bool {
	width := uint32(b.width.Load())
	if p.prefix > width || p.halt > StopMemory {
		return false
	}
	for _, g := range p.gens {
		if g.pos >= width {
			return false
		}
	}
	for _, c := range p.claims {
		if c.pos >= width {
			return false
		}
	}
	for _, c := range p.cands {
		if c.prop < 0 || c.prop >= len(b.props) || c.pos >= width {
			return false
		}
	}
	if len(p.recs) == 0 {
		return true
	}
	if b.record == nil || len(p.recs) != len(p.gens) || len(p.labels) != len(p.recs)*b.record.words {
		return false
	}
	perm := func(id int16, table [][]int) bool { return id >= 0 && int(id) < max(len(table), 1) }
	for _, e := range p.recs {
		if !perm(e.perm, p.perms) || !perm(e.classes, p.classes) {
			return false
		}
		for _, x := range e.succ {
			if x.act < 0 || x.group < 0 || int(x.group) >= len(p.groups) || x.perm != stutterPerm && !perm(x.perm, p.perms) {
				return false
			}
		}
		for _, g := range e.covered {
			if g < 0 || int(g) >= len(p.groups) {
				return false
			}
		}
	}
	for _, table := range [][][]int{p.perms, p.classes} {
		for i, q := range table {
			if i > 0 && (len(q) == 0 || len(q) > 1<<10) {
				return false
			}
		}
	}
	return true
}

// rankedClaim is a claim with the instance that made it.
type rankedClaim struct {
	claimRef
	rank int
}

// nextShared makes this instance's states of the next level (its worker's output, kept by
// settle) the level to expand, pos giving their positions in order, width the level's.
func (b *bfs[S, A]) nextShared(pos []uint32, width int64) {
	w := b.workers[0]
	w.prev.reset()
	w.prev, w.out = w.out, w.prev
	w.cands = w.cands[:0]
	w.unit = -1
	done := b.units
	b.units, b.spare = b.spare[:0], done
	k := 0
	for _, u := range done {
		if u.worker < 0 {
			continue
		}
		w.prev.pieces(u.lo, u.hi, func(seg []entry[S]) {
			start := 0
			for i := 1; i <= len(seg); i++ {
				if i == len(seg) || pos[k+i] != pos[k+i-1]+1 || i-start == unitSize {
					b.units = append(b.units, unit[S]{src: seg[start:i], pos: pos[k+start], worker: -1})
					start = i
				}
			}
			k += len(seg)
		})
	}
	b.beginLevel(width)
}

// cutShared is cutLevel once the levels are shared out: each instance looks at its own states,
// and the instances tell each other whether one of theirs had a successor.
func (b *bfs[S, A]) cutShared() {
	sc := &b.workers[0].sc
	cut := byte(0)
	for _, u := range b.units {
		for _, e := range u.src {
			if cut == 0 && hasSuccessor(b.m, e.state, sc) {
				cut = 1
			}
		}
	}
	raw, err := b.peer.AllGather([]byte{cut})
	if err != nil {
		b.linkFailed(err)
	}
	for _, p := range raw {
		if len(p) == 1 && p[0] == 1 {
			b.depthCut = true
		}
	}
	b.done = true
}

// LocalPeers links n instances of a partitioned search in one process (over channels): for
// tests, and for comparing a partitioned search with one that is not.
func LocalPeers(n int) []Peer {
	g := &localGroup{n: n, out: make([]chan [][]byte, n)}
	peers := make([]Peer, n)
	for i := range peers {
		g.out[i] = make(chan [][]byte, 1)
		peers[i] = &localPeer{g: g, rank: i}
	}
	return peers
}

// localGroup collects a round's parts and hands every instance all of them.
type localGroup struct {
	mu   sync.Mutex
	n    int
	part [][]byte // the round's parts so far, by rank
	got  int      // how many
	out  []chan [][]byte
}

type localPeer struct {
	g    *localGroup
	rank int
}

func (p *localPeer) Rank() int { return p.rank }
func (p *localPeer) Size() int { return p.g.n }

func (p *localPeer) AllGather(part []byte) ([][]byte, error) {
	g := p.g
	g.mu.Lock()
	if g.part == nil {
		g.part = make([][]byte, g.n)
	}
	g.part[p.rank] = append([]byte(nil), part...)
	g.got++
	if g.got == g.n {
		all := g.part
		g.part, g.got = nil, 0
		for _, c := range g.out {
			c <- all
		}
	}
	g.mu.Unlock()
	return <-g.out[p.rank], nil
}
