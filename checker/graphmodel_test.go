package checker

import (
	"encoding/binary"
	"math/rand/v2"
)

// graphModel is an explicit graph: state i has actions to succ[i][0], succ[i][1], ... (an
// action is an index into that list; -1 marks a disabled action).
type graphModel struct {
	inits []int
	succ  [][]int
	props []Property[int]
}

func (g *graphModel) Init() []int { return g.inits }

func (g *graphModel) Actions(s int, buf []int) []int {
	for i := range g.succ[s] {
		buf = append(buf, i)
	}
	return buf
}

func (g *graphModel) Next(s int, a int) (int, bool) {
	t := g.succ[s][a]
	return t, t >= 0
}

func (g *graphModel) Encode(buf []byte, s int) []byte {
	return binary.LittleEndian.AppendUint32(buf, uint32(s))
}

func (g *graphModel) Properties() []Property[int] { return g.props }

// randomGraph has n states, state 0 initial: state i leads to 2i+1 and 2i+2 (when below n,
// so that every state is reachable) and to up to k more drawn with the seed. Some actions are
// disabled and some lead to an already reached state.
func randomGraph(n, k int, seed uint64) *graphModel {
	r := rand.New(rand.NewPCG(seed, 1))
	g := &graphModel{inits: []int{0}, succ: make([][]int, n)}
	for i := range g.succ {
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < n {
				g.succ[i] = append(g.succ[i], c)
			}
		}
		for j := r.IntN(k + 1); j > 0; j-- {
			t := r.IntN(n)
			if r.IntN(10) == 0 {
				t = -1
			}
			g.succ[i] = append(g.succ[i], t)
		}
	}
	return g
}

// chain is 0 -> 1 -> ... -> n-1, state n-1 terminal.
func chain(n int) *graphModel {
	g := &graphModel{inits: []int{0}, succ: make([][]int, n)}
	for i := 0; i < n-1; i++ {
		g.succ[i] = []int{i + 1}
	}
	return g
}

// naiveBFS is a plain BFS over a Go map, the oracle for the fingerprint BFS: it returns the
// distinct states, the states generated, the number of levels, and the shortest path to the
// first state (in BFS order) for which bad holds.
func naiveBFS(g *graphModel, bad func(int) bool) (unique, generated, depth int, path []int) {
	parent := map[int]int{}
	var level []int
	for _, s := range g.inits {
		generated++
		if _, ok := parent[s]; !ok {
			parent[s] = -1
			level = append(level, s)
		}
	}
	target := -1
	for _, s := range level {
		if target < 0 && bad(s) {
			target = s
		}
	}
	for len(level) > 0 {
		depth++
		var next []int
		for _, s := range level {
			for _, t := range g.succ[s] {
				if t < 0 {
					continue
				}
				generated++
				if _, ok := parent[t]; !ok {
					parent[t] = s
					next = append(next, t)
					if target < 0 && bad(t) {
						target = t
					}
				}
			}
		}
		level = next
	}
	if target >= 0 {
		for s := target; s >= 0; s = parent[s] {
			path = append([]int{s}, path...)
		}
	}
	return len(parent), generated, depth, path
}
