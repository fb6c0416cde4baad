package main

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"sync/atomic"
	"syscall"
	"time"
)

// Subscribe mode: opens -n streams to -addr/-path (read by -pollers epoll loops, poller.go), from source addresses
// 127.0.0.<first-source + (offset+i) % sources>, so that no address runs out of ephemeral ports and
// several generator processes spread alike. Says "ready" once every stream has its response head (or
// failed), then answers the parent's commands on stdin, one a line:
//
//	start    zero the counters and the latency histogram, take the CPU time: the measured window starts
//	count    {"type":"count","events":N,"open":N}
//	report   the window's figures, the latency histogram's non-empty buckets among them (so that the parent
//	         can merge several processes' exactly); the histogram restarts, so two reports give two windows
//	quit     exit (so does the end of stdin)

const (
	dialsInFlight = 256 // a burst of thousands of SYNs would overflow the server's listen backlog
	dialAttempts  = 5
	headTimeout   = 60 * time.Second
)

type subscriber struct {
	addr    string
	request []byte
	firstIP int
	sources int
	offset  int
	pollers []*poller

	events   int64 // since "start"
	lastAt   int64 // receive time of the newest event, µs since the epoch
	open     int64
	closed   int64 // streams that ended after they had opened
	hist     atomic.Pointer[histogram]
	cpuStart float64
}

func runSubscribe(addr, path string, n, offset, firstIP, sources, pollers, bufferSize int) {
	g := &subscriber{
		addr: addr,
		request: []byte(fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nAccept: text/event-stream\r\n"+
			"Cache-Control: no-cache\r\n\r\n", path, addr)),
		firstIP: firstIP,
		sources: sources,
		offset:  offset,
	}
	g.hist.Store(&histogram{})
	for i := 0; i < pollers; i++ {
		g.pollers = append(g.pollers, newPoller(g, bufferSize))
	}
	results := make(chan error, n)
	slots := make(chan struct{}, dialsInFlight)
	go func() {
		for i := 0; i < n; i++ {
			slots <- struct{}{}
			go g.stream(i, slots, results)
		}
	}()
	failures, firstError := 0, ""
	timeout := time.After(headTimeout)
wait:
	for i := 0; i < n; i++ {
		select {
		case err := <-results:
			if err != nil {
				failures++
				if firstError == "" {
					firstError = err.Error()
				}
			}
		case <-timeout:
			failures += n - i
			firstError = fmt.Sprintf("%d streams had no response head after %s", n-i, headTimeout)
			break wait
		}
	}
	emit(map[string]any{"type": "ready", "open": atomic.LoadInt64(&g.open), "failures": failures,
		"error": firstError})
	g.control()
}

// stream dials one stream and sends its request; the poller does the rest. The socket leaves Go's own
// poller (a dup of its descriptor is kept, the net.Conn closed): with a goroutine per stream, every event
// cost a read, a second read that found nothing (EAGAIN) and a goroutine wake-up; here it is one read,
// with one epoll_wait for however many streams are ready.
func (g *subscriber) stream(i int, slots chan struct{}, results chan<- error) {
	defer func() { <-slots }()
	source := &net.TCPAddr{IP: net.IPv4(127, 0, 0, byte(g.firstIP+(g.offset+i)%g.sources))}
	dialer := net.Dialer{LocalAddr: source, Timeout: 10 * time.Second}
	var conn net.Conn
	var err error
	for attempt := 0; attempt < dialAttempts; attempt++ {
		if conn, err = dialer.Dial("tcp", g.addr); err == nil {
			break
		}
		time.Sleep(time.Duration(100*(attempt+1)) * time.Millisecond)
	}
	if err != nil {
		results <- err
		return
	}
	defer conn.Close()
	if _, err = conn.Write(g.request); err != nil {
		results <- err
		return
	}
	raw, err := conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		results <- err
		return
	}
	fd := -1
	if err = raw.Control(func(original uintptr) { fd, err = syscall.Dup(int(original)) }); err != nil || fd < 0 {
		results <- fmt.Errorf("dup: %v", err)
		return
	}
	// The dup shares the open file description, so it is non-blocking already.
	g.pollers[i%len(g.pollers)].add(fd, results)
}

func (g *subscriber) commit(b *batch) {
	if b.events == 0 {
		return
	}
	atomic.AddInt64(&g.events, b.events)
	for {
		old := atomic.LoadInt64(&g.lastAt)
		if b.now <= old || atomic.CompareAndSwapInt64(&g.lastAt, old, b.now) {
			break
		}
	}
	if b.timed > 0 {
		b.hist.raiseMax(b.max)
	}
}

func (g *subscriber) control() {
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		switch lines.Text() {
		case "start":
			atomic.StoreInt64(&g.events, 0)
			g.hist.Store(&histogram{})
			g.cpuStart = cpuMs()
			emit(map[string]any{"type": "started"})
		case "count":
			emit(map[string]any{"type": "count", "events": atomic.LoadInt64(&g.events),
				"open": atomic.LoadInt64(&g.open)})
		case "report":
			h := g.hist.Swap(&histogram{})
			samples, q := h.quantiles(0.5, 0.99)
			max := atomic.LoadInt64(&h.max)
			ms := func(us int64) any {
				if samples == 0 {
					return nil
				}
				if us > max {
					us = max // a bucket's middle may lie above the exact maximum
				}
				return float64(us) / 1000
			}
			emit(map[string]any{"type": "report", "events": atomic.LoadInt64(&g.events), "samples": samples,
				"p50": ms(q[0]), "p99": ms(q[1]), "max": ms(max), "cpuMs": cpuMs() - g.cpuStart,
				"open": atomic.LoadInt64(&g.open), "closed": atomic.LoadInt64(&g.closed),
				"lastAt": float64(atomic.LoadInt64(&g.lastAt)) / 1000, "histogram": h.nonEmpty()})
		case "quit":
			os.Exit(0)
		}
	}
	os.Exit(0)
}
