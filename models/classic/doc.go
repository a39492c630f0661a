// Package classic holds small textbook transition systems: teaching material for the
// playground, and correctness oracles for the checker (their state counts are published).
package classic
