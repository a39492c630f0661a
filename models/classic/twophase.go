package classic

import (
	"fmt"
	"slices"
	"strings"

	"github.com/themelios/themelios/checker"
)

// MaxRMs is the largest number of resource managers TwoPhase supports.
const MaxRMs = 16

// Resource manager and transaction manager states.
const (
	RMWorking uint8 = iota
	RMPrepared
	RMCommitted
	RMAborted
)

const (
	TMInit uint8 = iota
	TMCommitted
	TMAborted
)

var rmNames = [...]string{"working", "prepared", "committed", "aborted"}
var tmNames = [...]string{"init", "committed", "aborted"}

// TPState is a state of two-phase commit, packed so that copies are cheap.
type TPState struct {
	RM       uint32 // two bits per resource manager: RMWorking..RMAborted
	TM       uint8  // TMInit, TMCommitted or TMAborted
	Prepared uint16 // tmPrepared: one bit per resource manager
	Msgs     uint16 // [type |-> "Prepared", rm |-> r] messages sent: one bit per resource manager
	Decision uint8  // bit 0: the Commit message was sent; bit 1: the Abort message
}

// RMState returns resource manager i's state.
func (s TPState) RMState(i int) uint8 { return uint8(s.RM>>(2*i)) & 3 }

func (s TPState) withRM(i int, st uint8) TPState {
	s.RM = s.RM&^(3<<(2*i)) | uint32(st)<<(2*i)
	return s
}

// TPKind is the kind of a two-phase commit action.
type TPKind uint8

// The actions of TwoPhase, in the order the model lists them.
const (
	TMCommit TPKind = iota
	TMAbort
	TMRcvPrepared
	RMPrepare
	RMChooseToAbort
	RMRcvCommitMsg
	RMRcvAbortMsg
)

var tpKindNames = [...]string{"TMCommit", "TMAbort", "TMRcvPrepared", "RMPrepare", "RMChooseToAbort", "RMRcvCommitMsg", "RMRcvAbortMsg"}

// TPAction is an action of two-phase commit; RM is meaningless for TMCommit and TMAbort.
type TPAction struct {
	Kind TPKind
	RM   uint8
}

// TwoPhase is the TwoPhase specification of the TLA+ examples (Lamport's two-phase commit with
// a transaction manager and RMs resource managers; messages are a set that only grows). Like
// TLC, it lets an action that changes nothing (receiving a message twice) generate its own
// state again, so that its "states generated" match TLC's.
type TwoPhase struct {
	RMs int
}

// NewTwoPhase returns two-phase commit with rms resource managers (1..MaxRMs).
func NewTwoPhase(rms int) (*TwoPhase, error) {
	if rms < 1 || rms > MaxRMs {
		return nil, fmt.Errorf("rms must be from 1 to %d, not %d", MaxRMs, rms)
	}
	return &TwoPhase{RMs: rms}, nil
}

// Init is every resource manager working, the TM in init, no messages.
func (m *TwoPhase) Init() []TPState { return []TPState{{}} }

// Actions lists TMCommit, TMAbort, then for each resource manager in order TMRcvPrepared,
// RMPrepare, RMChooseToAbort, RMRcvCommitMsg and RMRcvAbortMsg, where enabled.
func (m *TwoPhase) Actions(s TPState, buf []TPAction) []TPAction {
	all := uint16(1)<<m.RMs - 1
	if s.TM == TMInit {
		if s.Prepared == all {
			buf = append(buf, TPAction{Kind: TMCommit})
		}
		buf = append(buf, TPAction{Kind: TMAbort})
	}
	for i := 0; i < m.RMs; i++ {
		r := uint8(i)
		if s.TM == TMInit && s.Msgs&(1<<i) != 0 {
			buf = append(buf, TPAction{Kind: TMRcvPrepared, RM: r})
		}
		if s.RMState(i) == RMWorking {
			buf = append(buf, TPAction{Kind: RMPrepare, RM: r}, TPAction{Kind: RMChooseToAbort, RM: r})
		}
		if s.Decision&1 != 0 {
			buf = append(buf, TPAction{Kind: RMRcvCommitMsg, RM: r})
		}
		if s.Decision&2 != 0 {
			buf = append(buf, TPAction{Kind: RMRcvAbortMsg, RM: r})
		}
	}
	return buf
}

// Next applies a; it reports false if a is disabled in s.
func (m *TwoPhase) Next(s TPState, a TPAction) (TPState, bool) {
	i := int(a.RM)
	if i >= m.RMs {
		return s, false
	}
	switch a.Kind {
	case TMCommit:
		if s.TM != TMInit || s.Prepared != uint16(1)<<m.RMs-1 {
			return s, false
		}
		s.TM, s.Decision = TMCommitted, s.Decision|1
	case TMAbort:
		if s.TM != TMInit {
			return s, false
		}
		s.TM, s.Decision = TMAborted, s.Decision|2
	case TMRcvPrepared:
		if s.TM != TMInit || s.Msgs&(1<<i) == 0 {
			return s, false
		}
		s.Prepared |= 1 << i
	case RMPrepare:
		if s.RMState(i) != RMWorking {
			return s, false
		}
		s = s.withRM(i, RMPrepared)
		s.Msgs |= 1 << i
	case RMChooseToAbort:
		if s.RMState(i) != RMWorking {
			return s, false
		}
		s = s.withRM(i, RMAborted)
	case RMRcvCommitMsg:
		if s.Decision&1 == 0 {
			return s, false
		}
		s = s.withRM(i, RMCommitted)
	case RMRcvAbortMsg:
		if s.Decision&2 == 0 {
			return s, false
		}
		s = s.withRM(i, RMAborted)
	default:
		return s, false
	}
	return s, true
}

// Encode writes the packed fields, little-endian.
func (m *TwoPhase) Encode(buf []byte, s TPState) []byte {
	return append(buf, byte(s.RM), byte(s.RM>>8), byte(s.RM>>16), byte(s.RM>>24),
		s.TM, byte(s.Prepared), byte(s.Prepared>>8), byte(s.Msgs), byte(s.Msgs>>8), s.Decision)
}

// Properties: TCConsistent (no resource manager commits while another aborts) and
// TCCommitted, a witness that some run commits.
func (m *TwoPhase) Properties() []checker.Property[TPState] {
	return []checker.Property[TPState]{
		{Name: "TCConsistent", Doc: "No resource manager has committed while another has aborted: the transaction commits everywhere or nowhere.", Expect: checker.Always, Holds: m.Consistent},
		{Name: "TCCommitted", Doc: "Some run commits on every resource manager (a witness that committing is possible).", Expect: checker.Sometimes, Holds: m.AllCommitted},
	}
}

// Consistent is TCConsistent: no resource manager has committed while another has aborted.
func (m *TwoPhase) Consistent(s TPState) bool {
	var committed, aborted bool
	for i := 0; i < m.RMs; i++ {
		switch s.RMState(i) {
		case RMCommitted:
			committed = true
		case RMAborted:
			aborted = true
		}
	}
	return !(committed && aborted)
}

// AllCommitted reports whether every resource manager has committed.
func (m *TwoPhase) AllCommitted(s TPState) bool {
	for i := 0; i < m.RMs; i++ {
		if s.RMState(i) != RMCommitted {
			return false
		}
	}
	return true
}

// FormatAction names the action as in the TLA+ specification, e.g. "RMPrepare(rm2)".
func (m *TwoPhase) FormatAction(_ TPState, a TPAction) string {
	if a.Kind <= TMAbort {
		return tpKindNames[a.Kind]
	}
	return fmt.Sprintf("%s(rm%d)", tpKindNames[a.Kind], a.RM+1)
}

// FormatState lists the transaction manager, the messages and each resource manager, one per line.
func (m *TwoPhase) FormatState(s TPState) string {
	var b strings.Builder
	fmt.Fprintf(&b, "tmState = %s\ntmPrepared = %s\nmsgs = %s", tmNames[s.TM], m.rmSet(s.Prepared), m.msgs(s))
	for i := 0; i < m.RMs; i++ {
		fmt.Fprintf(&b, "\nrm%d = %s", i+1, rmNames[s.RMState(i)])
	}
	return b.String()
}

// LabelState is a one-line summary: the TM state and one letter per resource manager.
func (m *TwoPhase) LabelState(s TPState) string {
	var b strings.Builder
	b.WriteString("TM " + tmNames[s.TM] + " ")
	for i := 0; i < m.RMs; i++ {
		b.WriteByte("WPCA"[s.RMState(i)])
	}
	return b.String()
}

func (m *TwoPhase) rmSet(bits uint16) string {
	var names []string
	for i := 0; i < m.RMs; i++ {
		if bits&(1<<i) != 0 {
			names = append(names, fmt.Sprintf("rm%d", i+1))
		}
	}
	return "{" + strings.Join(names, ", ") + "}"
}

func (m *TwoPhase) msgs(s TPState) string {
	var names []string
	for i := 0; i < m.RMs; i++ {
		if s.Msgs&(1<<i) != 0 {
			names = append(names, fmt.Sprintf("Prepared(rm%d)", i+1))
		}
	}
	if s.Decision&1 != 0 {
		names = append(names, "Commit")
	}
	if s.Decision&2 != 0 {
		names = append(names, "Abort")
	}
	return "{" + strings.Join(names, ", ") + "}"
}

// Representative sorts the resource managers by what they hold (their state, whether the TM
// has their Prepared, whether they sent it): resource managers are interchangeable, and the
// properties treat them alike, so full symmetry over them is sound.
func (m *TwoPhase) Representative(s TPState) TPState {
	var rm [MaxRMs]uint8
	for i := 0; i < m.RMs; i++ {
		rm[i] = s.RMState(i) | uint8(s.Prepared>>i&1)<<2 | uint8(s.Msgs>>i&1)<<3
	}
	slices.Sort(rm[:m.RMs])
	out := TPState{TM: s.TM, Decision: s.Decision}
	for i := 0; i < m.RMs; i++ {
		out.RM |= uint32(rm[i]&3) << (2 * i)
		out.Prepared |= uint16(rm[i]>>2&1) << i
		out.Msgs |= uint16(rm[i]>>3&1) << i
	}
	return out
}
