package main

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// One event stream's reader, fed the bytes of each read as they come: the response head (kept until its
// blank line, at most maxHead bytes), then the body, de-chunked when the answer is chunked, else taken as
// it comes until the server closes (close-delimited) or Content-Length runs out. The body goes to a scan
// that finds `data:` at the start of a line and reads the decimal number after it (the publish time, µs
// since the epoch); nothing is copied and nothing is kept from one event to the next, so a 25 KB event
// costs one IndexByte to the line's end. Every bench event has one data line, so data lines count events.
//
// Line ends: LF or CRLF (what every server measured here writes); a lone CR is taken as a line end only
// right after the number.

const maxHead = 16 * 1024

var (
	errHeadTooLong = errors.New("response head too long")
	errBadHead     = errors.New("malformed response head")
	errBadChunk    = errors.New("malformed chunked encoding")
	errBodyEnd     = errors.New("the server ended the stream")
)

// batch gathers what one read found; the caller commits it to the shared counters once per read.
type batch struct {
	now    int64 // receive time of the read, µs since the epoch
	events int64
	timed  int64 // events that carried a publish time
	max    int64
	hist   *histogram
}

const (
	lineStart = iota
	afterColon
	inNumber
	skipLine
)

type dataScan struct {
	state   uint8
	matched uint8 // bytes of "data:" matched at the start of the line
	digits  uint8
	number  int64
}

const dataPrefix = "data:"

func (s *dataScan) endNumber(b *batch) {
	b.events++
	if s.digits > 0 && s.digits <= 18 {
		latency := b.now - s.number
		b.hist.record(latency)
		b.timed++
		if latency > b.max {
			b.max = latency
		}
	}
}

func (s *dataScan) feed(p []byte, b *batch) {
	for i := 0; i < len(p); {
		switch s.state {
		case lineStart:
			c := p[i]
			if c == dataPrefix[s.matched] {
				s.matched++
				i++
				if int(s.matched) == len(dataPrefix) {
					s.state = afterColon
				}
				continue
			}
			s.matched = 0
			if c == '\n' || c == '\r' {
				i++ // a blank line, or the LF of a CRLF: still at a line start
				continue
			}
			s.state = skipLine
		case afterColon:
			s.state, s.number, s.digits = inNumber, 0, 0
			if p[i] == ' ' {
				i++ // [spec] one space after the colon is not part of the value
			}
		case inNumber:
			c := p[i]
			if c >= '0' && c <= '9' {
				if s.digits < 18 {
					s.number = s.number*10 + int64(c-'0')
				}
				s.digits++
				i++
				continue
			}
			s.endNumber(b)
			if c == '\n' || c == '\r' {
				s.state, s.matched = lineStart, 0
				i++
			} else {
				s.state = skipLine
			}
		case skipLine:
			j := bytes.IndexByte(p[i:], '\n')
			if j < 0 {
				return
			}
			i += j + 1
			s.state, s.matched = lineStart, 0
		}
	}
}

const (
	bodyClose = iota
	bodyLength
	bodyChunked
)

const (
	chunkSize = iota
	chunkExtension
	chunkData
	chunkEnd
)

type stream struct {
	head     []byte
	headDone bool
	status   int
	mode     uint8
	left     int64 // bytes left in this chunk, or of a Content-Length body
	chunk    uint8
	digits   int
	scan     dataScan
}

// onHead parses the head once its blank line is in; returns the body bytes that came with it.
func (st *stream) takeHead(p []byte) ([]byte, error) {
	st.head = append(st.head, p...)
	end := bytes.Index(st.head, []byte("\r\n\r\n"))
	if end < 0 {
		if len(st.head) > maxHead {
			return nil, errHeadTooLong
		}
		return nil, nil
	}
	lines := strings.Split(string(st.head[:end]), "\r\n")
	parts := strings.SplitN(lines[0], " ", 3)
	if len(parts) < 2 || !strings.HasPrefix(parts[0], "HTTP/1.") {
		return nil, errBadHead
	}
	status, err := strconv.Atoi(parts[1])
	if err != nil {
		return nil, errBadHead
	}
	st.status = status
	st.mode = bodyClose
	for _, line := range lines[1:] {
		colon := strings.IndexByte(line, ':')
		if colon <= 0 {
			continue
		}
		name := strings.ToLower(strings.TrimSpace(line[:colon]))
		value := strings.TrimSpace(line[colon+1:])
		switch name {
		case "transfer-encoding":
			if strings.Contains(strings.ToLower(value), "chunked") {
				st.mode = bodyChunked
			}
		case "content-length":
			if st.mode != bodyChunked {
				n, err := strconv.ParseInt(value, 10, 64)
				if err != nil || n < 0 {
					return nil, errBadHead
				}
				st.mode, st.left = bodyLength, n
			}
		}
	}
	rest := st.head[end+4:]
	st.head = nil
	st.headDone = true
	return rest, nil
}

// body feeds the bytes of the body; errBodyEnd when the body is complete.
func (st *stream) body(p []byte, b *batch) error {
	switch st.mode {
	case bodyClose:
		st.scan.feed(p, b)
		return nil
	case bodyLength:
		if int64(len(p)) >= st.left {
			st.scan.feed(p[:st.left], b)
			st.left = 0
			return errBodyEnd
		}
		st.scan.feed(p, b)
		st.left -= int64(len(p))
		return nil
	}
	for i := 0; i < len(p); {
		switch st.chunk {
		case chunkSize, chunkExtension:
			c := p[i]
			i++
			if c == '\n' {
				if st.digits == 0 {
					return errBadChunk
				}
				if st.left == 0 {
					return errBodyEnd // the last chunk (trailers are not read)
				}
				st.chunk = chunkData
				continue
			}
			if st.chunk == chunkExtension || c == '\r' {
				continue
			}
			if c == ';' {
				st.chunk = chunkExtension
				continue
			}
			v := hexValue(c)
			if v < 0 || st.digits >= 15 {
				return errBadChunk
			}
			st.left = st.left*16 + int64(v)
			st.digits++
		case chunkData:
			take := int64(len(p) - i)
			if take > st.left {
				take = st.left
			}
			st.scan.feed(p[i:i+int(take)], b)
			i += int(take)
			st.left -= take
			if st.left == 0 {
				st.chunk = chunkEnd
			}
		case chunkEnd:
			c := p[i]
			i++
			if c == '\n' {
				st.chunk, st.left, st.digits = chunkSize, 0, 0
			} else if c != '\r' {
				return errBadChunk
			}
		}
	}
	return nil
}

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}
