package main

import (
	"bufio"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/moby/spdystream"
)

// The one SPDY exec protocol the stub speaks: v4 reports the exit code as a
// Status JSON (older versions cannot carry it).
const spdyProtocol = "v4.channel.k8s.io"

// bufferedConn reads first what net/http had buffered past the request head.
type bufferedConn struct {
	net.Conn
	reader *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) { return c.reader.Read(p) }

func (s *server) execSPDY(w http.ResponseWriter, r *http.Request, options execOptions) {
	offered := splitVersions(r.Header.Values("X-Stream-Protocol-Version"))
	chosen := ""
	for _, version := range offered {
		if version == spdyProtocol {
			chosen = version
		}
	}
	if chosen == "" {
		writeStatus(w, http.StatusForbidden, "Forbidden", "no "+spdyProtocol+" in X-Stream-Protocol-Version")
		return
	}
	hijacker, ok := w.(http.Hijacker)
	if !ok {
		writeStatus(w, http.StatusInternalServerError, "InternalError", "cannot hijack")
		return
	}
	conn, buffered, err := hijacker.Hijack()
	if err != nil {
		log.Print(err)
		return
	}
	defer conn.Close()
	// Written by hand: net/http cannot send a 101 and then hand the socket over.
	fmt.Fprintf(buffered, "HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n"+
		"Upgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: %s\r\n\r\n", chosen)
	if err := buffered.Flush(); err != nil {
		log.Print(err)
		return
	}
	session, err := spdystream.NewConnection(&bufferedConn{Conn: conn, reader: buffered.Reader}, true)
	if err != nil {
		log.Print(err)
		return
	}
	arrived := make(chan *spdystream.Stream, 8)
	// kubectl waits for each stream's SYN_REPLY before opening the next.
	go session.Serve(func(stream *spdystream.Stream) {
		if err := stream.SendReply(http.Header{}, false); err != nil {
			log.Print(err)
		}
		arrived <- stream
	})

	wanted := map[string]bool{"error": true, "stdin": options.stdin, "stdout": options.stdout, "stderr": options.stderr}
	missing := 0
	for _, want := range wanted {
		if want {
			missing++
		}
	}
	streams := map[string]*spdystream.Stream{}
	deadline := time.After(10 * time.Second)
	for missing > 0 {
		select {
		case stream := <-arrived:
			kind := stream.Headers().Get("streamType")
			if wanted[kind] && streams[kind] == nil {
				missing--
			}
			streams[kind] = stream
		case <-deadline:
			log.Printf("exec: %d streams never came (have %d)", missing, len(streams))
			return
		}
	}
	s.appendRecord("exec.log", "spdy "+chosen+" "+strings.Join(options.args, " "))

	streamsIO := execIO{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	if options.stdin {
		streamsIO.stdin = streams["stdin"]
	}
	if options.stdout {
		streamsIO.stdout = streams["stdout"]
	}
	if options.stderr {
		streamsIO.stderr = streams["stderr"]
	}
	code, err := runCommand(options.args, streamsIO)
	if err == errCut {
		return // the deferred Close drops the TCP connection mid-session
	}
	if err != nil {
		log.Printf("exec %v: %v", options.args, err)
	}
	for _, kind := range []string{"stdout", "stderr"} {
		if stream := streams[kind]; stream != nil {
			stream.Close()
		}
	}
	errorStream := streams["error"]
	if _, err := errorStream.Write(exitStatus(code)); err != nil {
		log.Print(err)
	}
	errorStream.Close()
	// kubectl closes the connection once it has read everything; wait for
	// that (bounded) so the close travels client -> proxy -> stub.
	select {
	case <-session.CloseChan():
	case <-time.After(5 * time.Second):
		log.Print("exec: client kept the connection open")
	}
}
