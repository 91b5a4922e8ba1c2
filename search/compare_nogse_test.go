//go:build !gse

package search

import "testing"

// extraCandidates adds nothing without the gse build tag.
func extraCandidates(testing.TB) []analyzerCandidate { return nil }
