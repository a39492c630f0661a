//go:build !linux

package main

// physicalMemory is the machine's physical memory in bytes: 0 (unknown) where the standard
// library does not say, so that --max-memory auto sets no bound there.
func physicalMemory() int64 { return 0 }
