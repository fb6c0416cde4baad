// The delivery bench's load generator (bench/delivery.mjs starts it): raw TCP, no net/http, Go's
// standard library only. One binary, two modes:
//
//	loadgen -mode subscribe -addr 127.0.0.1:PORT -path /events -n 5000 [-offset 0]
//	loadgen -mode publish -addr 127.0.0.1:PORT -path /publish -size 64 [-concurrency 4]
//
// Each prints JSON lines on stdout ({"type":...}) and takes commands on stdin (subscribe.go, publish.go).
// Latency is the receive time minus the publish time carried in the event's data, both from the
// machine's wall clock (CLOCK_REALTIME, µs), which every process on the machine shares. Each process
// reports its own CPU time (getrusage), so a saturated generator shows in the bench's table.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sync"
	"syscall"
)

func main() {
	mode := flag.String("mode", "subscribe", "subscribe | publish")
	addr := flag.String("addr", "127.0.0.1:8080", "the server, host:port")
	path := flag.String("path", "/events", "the request path")
	n := flag.Int("n", 1, "subscribe: streams to open")
	offset := flag.Int("offset", 0, "subscribe: index of this process's first stream (source address spread)")
	firstIP := flag.Int("first-source", 2, "subscribe: first source address, 127.0.0.X")
	sources := flag.Int("sources", 100, "subscribe: source addresses to spread the streams over")
	pollers := flag.Int("pollers", 1, "subscribe: epoll loops (OS threads) reading the streams")
	buffer := flag.Int("buffer", 256<<10, "subscribe: read buffer of each poller, bytes")
	size := flag.Int("size", 64, "publish: event data bytes")
	concurrency := flag.Int("concurrency", 4, "publish: connections at maximum load")
	flag.Parse()
	switch *mode {
	case "subscribe":
		if *n < 1 || *sources < 1 || *firstIP < 1 || *firstIP+*sources > 255 || *pollers < 1 || *buffer < 4096 {
			fail("-n, -sources, -first-source, -pollers and -buffer must name at least one stream, " +
				"addresses in 127.0.0.1-254, one poller and 4 KiB")
		}
		runSubscribe(*addr, *path, *n, *offset, *firstIP, *sources, *pollers, *buffer)
	case "publish":
		if *size < 40 || *concurrency < 1 {
			fail("-size must be at least 40 (the time stamp and sequence) and -concurrency at least 1")
		}
		runPublish(*addr, *path, *size, *concurrency)
	default:
		fail("-mode must be subscribe or publish")
	}
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "loadgen:", message)
	os.Exit(2)
}

var emitLock sync.Mutex

// emit writes one JSON line to stdout.
func emit(message map[string]any) {
	line, err := json.Marshal(message)
	if err != nil {
		panic(err)
	}
	emitLock.Lock()
	defer emitLock.Unlock()
	os.Stdout.Write(append(line, '\n'))
}

// cpuMs is this process's CPU time, user and system, ms.
func cpuMs() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return -1
	}
	return float64(usage.Utime.Nano()+usage.Stime.Nano()) / 1e6
}
