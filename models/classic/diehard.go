package classic

import (
	"fmt"

	"github.com/themelios/themelios/checker"
)

// Jugs is a state of Die Hard: gallons in the 5-gallon and the 3-gallon jug.
type Jugs struct{ Big, Small uint8 }

// JugAction is a Die Hard action.
type JugAction uint8

// The actions of DieHard, in the specification's order.
const (
	FillSmallJug JugAction = iota
	FillBigJug
	EmptySmallJug
	EmptyBigJug
	SmallToBig
	BigToSmall
)

var jugActionNames = [...]string{"FillSmallJug", "FillBigJug", "EmptySmallJug", "EmptyBigJug", "SmallToBig", "BigToSmall"}

// DieHard is the water-jug puzzle of the DieHard specification of the TLA+ examples: measure
// exactly 4 gallons with a 3- and a 5-gallon jug. Every action is always enabled (some change
// nothing), as in the specification. Its invariant "big ≠ 4" fails: the counterexample is a
// solution.
type DieHard struct{}

// Init is both jugs empty.
func (DieHard) Init() []Jugs { return []Jugs{{}} }

// Actions lists the six actions in the specification's order.
func (DieHard) Actions(_ Jugs, buf []JugAction) []JugAction {
	return append(buf, FillSmallJug, FillBigJug, EmptySmallJug, EmptyBigJug, SmallToBig, BigToSmall)
}

// Next applies a.
func (DieHard) Next(s Jugs, a JugAction) (Jugs, bool) {
	switch a {
	case FillSmallJug:
		s.Small = 3
	case FillBigJug:
		s.Big = 5
	case EmptySmallJug:
		s.Small = 0
	case EmptyBigJug:
		s.Big = 0
	case SmallToBig:
		pour := min(s.Small, 5-s.Big)
		s.Big, s.Small = s.Big+pour, s.Small-pour
	case BigToSmall:
		pour := min(s.Big, 3-s.Small)
		s.Big, s.Small = s.Big-pour, s.Small+pour
	default:
		return s, false
	}
	return s, true
}

// Encode writes big then small.
func (DieHard) Encode(buf []byte, s Jugs) []byte { return append(buf, s.Big, s.Small) }

// Properties: the invariant "big ≠ 4", whose violation solves the puzzle, and TypeOK.
func (DieHard) Properties() []checker.Property[Jugs] {
	return []checker.Property[Jugs]{
		{Name: "TypeOK", Doc: "The big jug holds at most 5 gallons and the small one at most 3: every state is well typed.", Expect: checker.Always, Holds: func(s Jugs) bool { return s.Big <= 5 && s.Small <= 3 }},
		{Name: "big ≠ 4", Doc: "The big jug never holds exactly 4 gallons. The puzzle asks for 4 gallons, so a violation is a solution.", Expect: checker.Always, Holds: func(s Jugs) bool { return s.Big != 4 }},
	}
}

// FormatAction names the action as in the specification.
func (DieHard) FormatAction(_ Jugs, a JugAction) string { return jugActionNames[a] }

// FormatState shows both jugs.
func (DieHard) FormatState(s Jugs) string { return fmt.Sprintf("big = %d\nsmall = %d", s.Big, s.Small) }

// LabelState is "(big,small)".
func (DieHard) LabelState(s Jugs) string { return fmt.Sprintf("(%d,%d)", s.Big, s.Small) }
