package main

import (
	"math/bits"
	"sync/atomic"
)

// A log-linear latency histogram in microseconds, in the manner of HdrHistogram: every value below
// 2^(subBits+1) µs has a bucket of its own; above that, each power of two is split into 2^subBits
// buckets. A value read back is off by at most 1/2^subBits (0.4 %), and the memory is fixed (8,448
// counters, 66 KiB) however many events a run counts: a sorted sample of 10 million latencies would
// take 80 MB and a sort at every report.
const (
	subBits     = 8
	subCount    = 1 << subBits
	maxValueLog = 40 // values up to 2^40 µs (12 days); larger ones are counted as that
	bucketCount = 2*subCount + (maxValueLog-subBits-1)*subCount
)

type histogram struct {
	counts [bucketCount]uint64
	max    int64 // exact, µs
}

func bucketOf(v int64) int {
	if v < 0 {
		v = 0
	}
	if v >= 1<<maxValueLog {
		v = 1<<maxValueLog - 1
	}
	if v < 2*subCount {
		return int(v)
	}
	shift := bits.Len64(uint64(v)) - (subBits + 1)
	top := int(v >> shift) // in [subCount, 2*subCount)
	return 2*subCount + (shift-1)*subCount + top - subCount
}

// valueOf is the middle of a bucket, µs.
func valueOf(bucket int) int64 {
	if bucket < 2*subCount {
		return int64(bucket)
	}
	k := bucket - 2*subCount
	shift := k/subCount + 1
	top := int64(k%subCount + subCount)
	return top<<shift + (int64(1)<<shift)/2
}

// record counts one latency; safe from several goroutines at once.
func (h *histogram) record(v int64) {
	atomic.AddUint64(&h.counts[bucketOf(v)], 1)
}

// raiseMax makes the exact maximum at least v.
func (h *histogram) raiseMax(v int64) {
	for {
		old := atomic.LoadInt64(&h.max)
		if v <= old || atomic.CompareAndSwapInt64(&h.max, old, v) {
			return
		}
	}
}

// quantiles returns the count and the value at each quantile (nearest rank), µs.
func (h *histogram) quantiles(qs ...float64) (uint64, []int64) {
	var total uint64
	counts := make([]uint64, bucketCount)
	for i := range counts {
		counts[i] = atomic.LoadUint64(&h.counts[i])
		total += counts[i]
	}
	out := make([]int64, len(qs))
	if total == 0 {
		for i := range out {
			out[i] = -1
		}
		return 0, out
	}
	for i, q := range qs {
		rank := uint64(q * float64(total))
		if float64(rank) < q*float64(total) {
			rank++ // ceil
		}
		if rank < 1 {
			rank = 1
		}
		var seen uint64
		for b, c := range counts {
			seen += c
			if seen >= rank {
				out[i] = valueOf(b)
				break
			}
		}
	}
	return total, out
}

// nonEmpty lists the non-empty buckets as [value µs, count] pairs, in increasing value.
func (h *histogram) nonEmpty() [][2]int64 {
	out := [][2]int64{}
	for b := range h.counts {
		if c := atomic.LoadUint64(&h.counts[b]); c > 0 {
			out = append(out, [2]int64{valueOf(b), int64(c)})
		}
	}
	return out
}
