package main

import (
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// A poller reads the streams it was given with its own epoll set (level-triggered), on one OS thread:
// one read per ready stream per epoll_wait, into one buffer for all of them (what a read returns is
// scanned at once, so nothing per stream is kept but its small parse state). A read that fills the buffer
// leaves the rest for the next round.

type polled struct {
	stream
	fd       int
	reported bool // its "opened" result was sent
	results  chan<- error
}

type poller struct {
	g       *subscriber
	epfd    int
	lock    sync.Mutex
	streams map[int]*polled
	buffer  []byte
}

func newPoller(g *subscriber, bufferSize int) *poller {
	epfd, err := syscall.EpollCreate1(syscall.EPOLL_CLOEXEC)
	if err != nil {
		fail(fmt.Sprintf("epoll_create1: %v", err))
	}
	p := &poller{g: g, epfd: epfd, streams: map[int]*polled{}, buffer: make([]byte, bufferSize)}
	go p.run()
	return p
}

// add hands a connected stream (its request sent) to the poller; its first result goes to results.
func (p *poller) add(fd int, results chan<- error) {
	s := &polled{fd: fd, results: results}
	p.lock.Lock()
	p.streams[fd] = s
	p.lock.Unlock()
	event := syscall.EpollEvent{Events: syscall.EPOLLIN, Fd: int32(fd)}
	if err := syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_ADD, fd, &event); err != nil {
		p.close(s, fmt.Errorf("epoll_ctl: %v", err))
	}
}

func (p *poller) run() {
	runtime.LockOSThread()
	events := make([]syscall.EpollEvent, 512)
	for {
		n, err := syscall.EpollWait(p.epfd, events, -1)
		if err != nil {
			if err == syscall.EINTR {
				continue
			}
			fail(fmt.Sprintf("epoll_wait: %v", err))
		}
		for _, event := range events[:n] {
			p.lock.Lock()
			s := p.streams[int(event.Fd)]
			p.lock.Unlock()
			if s != nil {
				p.read(s)
			}
		}
	}
}

func (p *poller) read(s *polled) {
	n, err := syscall.Read(s.fd, p.buffer)
	if err == syscall.EAGAIN || err == syscall.EINTR {
		return
	}
	if n <= 0 {
		if err == nil {
			err = errBodyEnd // the server closed the connection
		}
		p.close(s, err)
		return
	}
	b := batch{now: time.Now().UnixMicro(), hist: p.g.hist.Load()}
	err = p.g.feed(s, p.buffer[:n], &b)
	p.g.commit(&b)
	if err != nil {
		p.close(s, err)
	}
}

func (p *poller) close(s *polled, err error) {
	p.lock.Lock()
	delete(p.streams, s.fd)
	p.lock.Unlock()
	syscall.EpollCtl(p.epfd, syscall.EPOLL_CTL_DEL, s.fd, nil)
	syscall.Close(s.fd)
	if s.reported {
		atomic.AddInt64(&p.g.open, -1)
		atomic.AddInt64(&p.g.closed, 1)
	} else {
		s.results <- err
	}
}

// feed takes what one read returned: the response head first, then the body.
func (g *subscriber) feed(s *polled, p []byte, b *batch) error {
	if !s.headDone {
		var err error
		if p, err = s.takeHead(p); err != nil {
			return err
		}
		if !s.headDone {
			return nil
		}
		if s.status != 200 {
			return fmt.Errorf("answered %d", s.status)
		}
		atomic.AddInt64(&g.open, 1)
		s.reported = true
		s.results <- nil
	}
	if len(p) == 0 {
		return nil
	}
	return s.body(p, b)
}
