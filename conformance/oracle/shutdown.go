package oracle

import (
	"reflect"
	"unsafe"
)

// shutDown shuts down the work queues of an upstream controller (the fields of *ctrl with a
// ShutDown method: workqueues, delaying queues), which only its Run would otherwise stop: each
// queue runs a goroutine and a ticker, and the oracles build a controller per view.
func shutDown(ctrl any) {
	v := reflect.ValueOf(ctrl)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return
	}
	s := v.Elem()
	for i := range s.NumField() {
		f := s.Field(i)
		if f.Kind() != reflect.Interface || f.IsNil() {
			continue
		}
		// The fields are unexported: read them through their address.
		fv := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem().Interface()
		if q, ok := fv.(interface{ ShutDown() }); ok {
			q.ShutDown()
		}
	}
}

// syncError makes an upstream sync that failed without a write a deviation: an agreement on
// "nothing" would hide a conversion upstream refuses.
func syncError(o Outcome, err error, writes int) Outcome {
	if err != nil && writes == 0 {
		o.Agree, o.Tie = false, false
		o.Deviation = "upstream: the sync failed with no write: " + err.Error()
	}
	return o
}
