//go:build js && wasm

package main

import (
	"encoding/binary"
	"errors"
	"sync"

	"github.com/hack-pad/safejs"
)

// The check worker shares its checks with a helper: a nested Web Worker running this program
// (static/worker.js starts it, named "helper", and hands it the compiled module). A check the
// checker can partition (checker.NewPartitionedRun) runs on both, the check worker as rank 0,
// which posts progress and the result to the page, the helper as rank 1; at each level's end
// they send each other their part (linkPeer). On this project's 2-core machine two workers
// each ran the 59848 check at 0.93–1.0x the speed of one alone, so the search's work halves in
// wall time but for the exchanges and the levels every instance expands (checker: splitWidth).
//
// A part travels as a Uint8Array: the check's number (8 bytes, little-endian), then the part.
// The check worker numbers its checks and gives the helper the number as the request's ID; a
// part of another check than the current one is dropped.

// linkPeer is one end of the link between the check worker and its helper (a checker.Peer of
// size 2).
type linkPeer struct {
	rank  int
	id    uint64
	send  func([]byte) error // posts a message (a Uint8Array) to the other end
	parts chan []byte        // the other end's parts for this check
	mu    sync.Mutex
	fail  error         // why the link broke
	abort chan struct{} // closed when it breaks
}

func newLinkPeer(rank int, id uint64, send func([]byte) error) *linkPeer {
	return &linkPeer{rank: rank, id: id, send: send, parts: make(chan []byte, 4), abort: make(chan struct{})}
}

func (p *linkPeer) Rank() int { return p.rank }
func (p *linkPeer) Size() int { return 2 }

// AllGather posts part and waits for the other end's.
func (p *linkPeer) AllGather(part []byte) ([][]byte, error) {
	msg := binary.LittleEndian.AppendUint64(make([]byte, 0, 8+len(part)), p.id)
	if err := p.send(append(msg, part...)); err != nil {
		p.breakLink(err)
	}
	select {
	case other := <-p.parts:
		all := [][]byte{part, other}
		if p.rank == 1 {
			all[0], all[1] = other, part
		}
		return all, nil
	case <-p.abort:
		p.mu.Lock()
		defer p.mu.Unlock()
		return nil, p.fail
	}
}

// deliver hands the other end's message to p if it is a part of p's check (on the JavaScript
// thread: it never blocks).
func (p *linkPeer) deliver(msg []byte) {
	if p == nil || len(msg) < 8 || binary.LittleEndian.Uint64(msg) != p.id {
		return
	}
	select {
	case p.parts <- msg[8:]:
	default:
		p.breakLink(errors.New("the checker's helper sent parts out of turn"))
	}
}

// breakLink makes AllGather fail with err, once.
func (p *linkPeer) breakLink(err error) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.fail == nil {
		p.fail = err
		close(p.abort)
	}
}

// postBytes posts data to target (a Worker, or the worker's global scope for its parent) as a
// Uint8Array.
func postBytes(target safejs.Value, data []byte) error {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return err
	}
	arr, err := ctor.New(len(data))
	if err != nil {
		return err
	}
	if _, err := safejs.CopyBytesToJS(arr, data); err != nil {
		return err
	}
	_, err = target.Call("postMessage", arr)
	return err
}

// messageBytes returns a message event's data if it is a Uint8Array.
func messageBytes(data safejs.Value) ([]byte, bool) {
	ctor, err := safejs.Global().Get("Uint8Array")
	if err != nil {
		return nil, false
	}
	if ok, err := data.InstanceOf(ctor); err != nil || !ok {
		return nil, false
	}
	n, err := data.Length()
	if err != nil {
		return nil, false
	}
	buf := make([]byte, n)
	if _, err := safejs.CopyBytesToGo(buf, data); err != nil {
		return nil, false
	}
	return buf, true
}
