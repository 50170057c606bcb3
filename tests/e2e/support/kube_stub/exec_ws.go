package main

import (
	"io"
	"log"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// WebSocket exec (kubectl >= 1.30): every binary message starts with its
// channel; v5 adds channel 255, whose second byte names a channel the
// sender has finished with (kubectl's way to say stdin reached EOF; kubectl
// 1.32 logs it as an unknown stream if a server sends it, so the stub ends
// its channels with the close frame instead).
const (
	wsProtocol    = "v5.channel.k8s.io"
	channelStdin  = 0
	channelStdout = 1
	channelStderr = 2
	channelError  = 3
	channelClose  = 255
	wsStartDelay  = 250 * time.Millisecond
)

// wsMux serializes writers: a gorilla connection takes one at a time.
type wsMux struct {
	mu   sync.Mutex
	conn *websocket.Conn
}

func (m *wsMux) send(channel byte, data []byte) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	message := make([]byte, 0, len(data)+1)
	message = append(append(message, channel), data...)
	return m.conn.WriteMessage(websocket.BinaryMessage, message)
}

type wsWriter struct {
	mux     *wsMux
	channel byte
}

func (w wsWriter) Write(p []byte) (int, error) {
	if err := w.mux.send(w.channel, p); err != nil {
		return 0, err
	}
	return len(p), nil
}

func (s *server) execWebSocket(w http.ResponseWriter, r *http.Request, options execOptions) {
	offered := false
	for _, protocol := range websocket.Subprotocols(r) {
		offered = offered || protocol == wsProtocol
	}
	if !offered {
		writeStatus(w, http.StatusBadRequest, "BadRequest", "no "+wsProtocol+" in Sec-WebSocket-Protocol")
		return
	}
	upgrader := websocket.Upgrader{
		Subprotocols: []string{wsProtocol},
		CheckOrigin:  func(*http.Request) bool { return true },
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the client
	}
	defer conn.Close()
	s.appendRecord("exec.log", "websocket "+conn.Subprotocol()+" "+strings.Join(options.args, " "))
	mux := &wsMux{conn: conn}

	// The reader runs for the whole session so that kubectl's pings get
	// their pongs (gorilla answers them inside ReadMessage).
	stdinReader, stdinWriter := io.Pipe()
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer stdinWriter.Close()
		for {
			kind, message, err := conn.ReadMessage()
			if err != nil {
				return
			}
			if kind != websocket.BinaryMessage || len(message) == 0 {
				continue
			}
			switch {
			case message[0] == channelStdin:
				// Fails once the command is done; later stdin is dropped.
				_, _ = stdinWriter.Write(message[1:])
			case message[0] == channelClose && len(message) > 1 && message[1] == channelStdin:
				stdinWriter.Close()
			}
		}
	}()

	// kubectl 1.32 starts reading messages before it registers its streams
	// and drops what arrives for a stream it does not know yet; v5 has no
	// "ready" message, so give it a moment before the first output.
	time.Sleep(wsStartDelay)

	streamsIO := execIO{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard}
	if options.stdin {
		streamsIO.stdin = stdinReader
	}
	if options.stdout {
		streamsIO.stdout = wsWriter{mux, channelStdout}
	}
	if options.stderr {
		streamsIO.stderr = wsWriter{mux, channelStderr}
	}
	code, err := runCommand(options.args, streamsIO)
	stdinReader.Close()
	if err == errCut {
		return // the deferred Close drops the TCP connection, no close frame
	}
	if err != nil {
		log.Printf("exec %v: %v", options.args, err)
	}
	if err := mux.send(channelError, exitStatus(code)); err != nil {
		log.Print(err)
	}
	mux.mu.Lock()
	_ = conn.WriteControl(websocket.CloseMessage,
		websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
	mux.mu.Unlock()
	// kubectl answers the close frame; wait for it (bounded) so the close
	// travels client -> proxy -> stub.
	select {
	case <-readerDone:
	case <-time.After(5 * time.Second):
		log.Print("exec: client kept the connection open")
	}
}
