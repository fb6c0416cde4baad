package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Publish mode: POSTs events of -size bytes to -addr/-path over keep-alive connections, each body
// "<publish time, µs since the epoch> <sequence> xxxx…" (at maximum load the time just before the
// request is written; on a schedule the time the event was due). Commands on stdin, one a line:
//
//	run SECONDS RATE   RATE 0: -concurrency connections, each POSTing the next event as soon as the answer
//	                   to the previous one came back (maximum load); RATE > 0: RATE events a second on a
//	                   schedule, each on an idle connection (a new one when none is idle, up to
//	                   maxScheduledConns), so that a slow answer does not delay the next event. Prints
//	                   {"type":"sent"} when the last event is sent, {"type":"done"} once every answer is in.
//	count              {"type":"count","sent":N,"published":N}
//	quit               exit (so does the end of stdin)
//
// "published" counts the events the server acknowledged with a 2xx: those it must deliver.

const (
	maxScheduledConns = 64
	answerTimeout     = 180 * time.Second // beyond the bench's wait for the last deliveries (60 s)
)

type publisher struct {
	addr        string
	head        []byte
	size        int
	concurrency int
	seq         int64

	sent, published, failed, late int64
	firstError                    atomic.Value
	running                       int32
}

type pubConn struct {
	conn   net.Conn
	reader *bufio.Reader
	buffer []byte // the request: head, then the body
	reused bool
}

func runPublish(addr, path string, size, concurrency int) {
	p := &publisher{
		addr: addr,
		head: []byte(fmt.Sprintf("POST %s HTTP/1.1\r\nHost: %s\r\nContent-Type: text/plain\r\nAccept: text/plain\r\n"+
			"Content-Length: %d\r\n\r\n", path, addr, size)),
		size:        size,
		concurrency: concurrency,
	}
	emit(map[string]any{"type": "ready"})
	lines := bufio.NewScanner(os.Stdin)
	for lines.Scan() {
		fields := strings.Fields(lines.Text())
		if len(fields) == 0 {
			continue
		}
		switch fields[0] {
		case "run":
			seconds, err1 := strconv.ParseFloat(fields[1], 64)
			rate, err2 := strconv.ParseFloat(fields[2], 64)
			if err1 != nil || err2 != nil || !atomic.CompareAndSwapInt32(&p.running, 0, 1) {
				emit(map[string]any{"type": "done", "error": "bad run command, or a run is going on"})
				continue
			}
			go p.run(seconds, rate)
		case "count":
			emit(map[string]any{"type": "count", "sent": atomic.LoadInt64(&p.sent),
				"published": atomic.LoadInt64(&p.published)})
		case "quit":
			os.Exit(0)
		}
	}
	os.Exit(0)
}

func (p *publisher) run(seconds, rate float64) {
	atomic.StoreInt64(&p.sent, 0)
	atomic.StoreInt64(&p.published, 0)
	atomic.StoreInt64(&p.failed, 0)
	atomic.StoreInt64(&p.late, 0)
	cpuStart := cpuMs()
	started := time.Now()
	var wg sync.WaitGroup
	if rate <= 0 {
		deadline := started.Add(time.Duration(seconds * float64(time.Second)))
		for i := 0; i < p.concurrency; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var c *pubConn
				for time.Now().Before(deadline) {
					c = p.post(c, true, 0)
				}
				if c != nil {
					c.conn.Close()
				}
			}()
		}
		wg.Wait()
		emit(map[string]any{"type": "sent", "sent": atomic.LoadInt64(&p.sent), "seconds": time.Since(started).Seconds()})
	} else {
		idle := make(chan *pubConn, maxScheduledConns)
		conns := 0
		total := int(seconds*rate + 0.5)
		interval := time.Duration(float64(time.Second) / rate)
		for i := 0; i < total; i++ {
			if wait := time.Until(started.Add(time.Duration(i) * interval)); wait > 0 {
				time.Sleep(wait)
			}
			var c *pubConn
			select {
			case c = <-idle:
			default:
				if conns < maxScheduledConns {
					conns++ // dialled by post
				} else {
					atomic.AddInt64(&p.late, 1)
					c = <-idle
				}
			}
			// Counted here, not in the goroutine: "sent" below must include every event the loop sent.
			atomic.AddInt64(&p.sent, 1)
			due := started.Add(time.Duration(i) * interval).UnixMicro()
			wg.Add(1)
			go func(c *pubConn) {
				defer wg.Done()
				idle <- p.post(c, false, due)
			}(c)
		}
		// The schedule's end: the parent compares what was sent by now with what arrived (a backlog).
		emit(map[string]any{"type": "sent", "sent": atomic.LoadInt64(&p.sent), "seconds": time.Since(started).Seconds()})
		wg.Wait()
		close(idle)
		for c := range idle {
			if c != nil {
				c.conn.Close()
			}
		}
	}
	first, _ := p.firstError.Load().(string)
	emit(map[string]any{"type": "done", "sent": atomic.LoadInt64(&p.sent),
		"published": atomic.LoadInt64(&p.published), "failed": atomic.LoadInt64(&p.failed),
		"late": atomic.LoadInt64(&p.late), "cpuMs": cpuMs() - cpuStart,
		"seconds": time.Since(started).Seconds(), "error": first})
	atomic.StoreInt32(&p.running, 0)
}

func (p *publisher) fail(err error) {
	atomic.AddInt64(&p.failed, 1)
	p.firstError.CompareAndSwap(nil, err.Error())
}

// post sends one event on c (a new connection when c is nil or broken) and returns the connection to
// use next (nil when it broke). countSent: whether it counts the event as sent (the schedule counts its
// own). due: the publish time to carry, µs since the epoch; 0 for now. A scheduled event carries the time
// it was due, not the time a connection came free: when the server answers slowly, the wait for a
// connection is part of its latency (else the latency would leave out the very delays it should show).
func (p *publisher) post(c *pubConn, countSent bool, due int64) *pubConn {
	for attempt := 0; attempt < 2; attempt++ {
		if c == nil {
			conn, err := net.DialTimeout("tcp", p.addr, 10*time.Second)
			if err != nil {
				p.fail(err)
				time.Sleep(10 * time.Millisecond)
				return nil
			}
			c = &pubConn{conn: conn, reader: bufio.NewReaderSize(conn, 16<<10),
				buffer: make([]byte, len(p.head)+p.size)}
			copy(c.buffer, p.head)
		}
		body := c.buffer[len(p.head):]
		for i := range body {
			body[i] = 'x'
		}
		seq := atomic.AddInt64(&p.seq, 1)
		stampAt := due
		if stampAt == 0 {
			stampAt = time.Now().UnixMicro()
		}
		stamp := strconv.AppendInt(body[:0], stampAt, 10)
		stamp = append(stamp, ' ')
		stamp = strconv.AppendInt(stamp, seq, 10)
		stamp = append(stamp, ' ')
		if len(stamp) > len(body) {
			p.fail(errors.New("-size is too small for the time stamp"))
			return c
		}
		c.conn.SetDeadline(time.Now().Add(answerTimeout))
		if attempt == 0 && countSent {
			atomic.AddInt64(&p.sent, 1)
		}
		status, keep, err := c.exchange()
		if err != nil {
			c.conn.Close()
			// A keep-alive connection the server closed while idle fails on its next use: once more on a
			// new one (the server never saw the first try).
			retry := c.reused
			c = nil
			if retry {
				continue
			}
			p.fail(err)
			return nil
		}
		c.reused = true
		if status >= 200 && status < 300 {
			atomic.AddInt64(&p.published, 1)
		} else {
			p.fail(fmt.Errorf("answered %d", status))
		}
		if !keep {
			c.conn.Close()
			return nil
		}
		return c
	}
	p.fail(errors.New("the connection broke twice"))
	return nil
}

// exchange writes the request and reads the answer to its end: status, whether the connection stays open.
func (c *pubConn) exchange() (int, bool, error) {
	if _, err := c.conn.Write(c.buffer); err != nil {
		return 0, false, err
	}
	line, err := c.reader.ReadString('\n')
	if err != nil {
		return 0, false, err
	}
	parts := strings.SplitN(strings.TrimSpace(line), " ", 3)
	if len(parts) < 2 {
		return 0, false, errBadHead
	}
	status, err := strconv.Atoi(parts[1])
	if err != nil {
		return 0, false, errBadHead
	}
	length, chunked, keep := int64(0), false, strings.HasPrefix(parts[0], "HTTP/1.1")
	for {
		line, err := c.reader.ReadString('\n')
		if err != nil {
			return 0, false, err
		}
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(line[:colon]))
		value := strings.ToLower(strings.TrimSpace(line[colon+1:]))
		switch name {
		case "content-length":
			if length, err = strconv.ParseInt(value, 10, 64); err != nil {
				return 0, false, errBadHead
			}
		case "transfer-encoding":
			chunked = strings.Contains(value, "chunked")
		case "connection":
			keep = value != "close" && (keep || value == "keep-alive")
		}
	}
	if status == 204 || status == 304 || (status >= 100 && status < 200) {
		return status, keep, nil
	}
	if !chunked {
		_, err := c.reader.Discard(int(length))
		return status, keep, err
	}
	for {
		line, err := c.reader.ReadString('\n')
		if err != nil {
			return 0, false, err
		}
		size, err := strconv.ParseInt(strings.TrimSpace(strings.SplitN(line, ";", 2)[0]), 16, 64)
		if err != nil {
			return 0, false, errBadChunk
		}
		if size == 0 {
			for { // trailers, up to the blank line
				line, err := c.reader.ReadString('\n')
				if err != nil {
					return 0, false, err
				}
				if strings.TrimRight(line, "\r\n") == "" {
					return status, keep, nil
				}
			}
		}
		if _, err := c.reader.Discard(int(size) + 2); err != nil && err != io.EOF {
			return 0, false, err
		}
	}
}
