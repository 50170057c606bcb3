package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// execIO is what a command sees; a stream the request did not ask for is
// empty (stdin) or discarded (stdout, stderr).
type execIO struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// errCut makes the transport drop the connection without an exit status,
// the way a cut tunnel looks to kubectl (the tests' negative control).
var errCut = errors.New("tunnel cut on purpose")

// runCommand runs one built-in command (the stub runs nothing of the host)
// and returns its exit code. Commands:
//
//	cat              stdin to stdout
//	exit N           "exit N" on stderr, exit code N
//	lines N GAP_MS   "line I of N" N times, GAP_MS apart
//	cut N M          the first M lines of "lines N 0", then errCut
func runCommand(args []string, streams execIO) (int, error) {
	if len(args) == 0 {
		fmt.Fprintln(streams.stderr, "kube_stub: no command")
		return 127, nil
	}
	number := func(i int) int {
		if i >= len(args) {
			return 0
		}
		n, err := strconv.Atoi(args[i])
		if err != nil {
			return 0
		}
		return n
	}
	switch args[0] {
	case "cat":
		_, err := io.Copy(streams.stdout, streams.stdin)
		return 0, err
	case "exit":
		fmt.Fprintf(streams.stderr, "exit %d\n", number(1))
		return number(1), nil
	case "lines", "cut":
		count, last := number(1), number(1)
		gap := time.Duration(0)
		if args[0] == "lines" {
			gap = time.Duration(number(2)) * time.Millisecond
		} else if number(2) < count {
			last = number(2)
		}
		for i := 1; i <= last; i++ {
			if _, err := fmt.Fprintf(streams.stdout, "line %d of %d\n", i, count); err != nil {
				return 1, err
			}
			if i < last {
				time.Sleep(gap)
			}
		}
		if args[0] == "cut" {
			return 0, errCut
		}
		return 0, nil
	}
	fmt.Fprintf(streams.stderr, "kube_stub: unknown command %q\n", strings.Join(args, " "))
	return 127, nil
}

// exitStatus is the Status JSON that exec protocols v4 and v5 send on the
// error stream: kubectl turns the ExitCode cause into its own exit code.
func exitStatus(code int) []byte {
	if code == 0 {
		return []byte(`{"metadata":{},"status":"Success"}`)
	}
	return []byte(fmt.Sprintf(`{"metadata":{},"status":"Failure",`+
		`"message":"command terminated with non-zero exit code: exit status %d",`+
		`"reason":"NonZeroExitCode","details":{"causes":[{"reason":"ExitCode","message":"%d"}]}}`,
		code, code))
}

type execOptions struct {
	args                  []string
	stdin, stdout, stderr bool
}

func queryBool(value string) bool {
	return value == "true" || value == "1"
}

// exec serves pods/NAME/exec: the transport is chosen by the Upgrade header.
func (s *server) exec(w http.ResponseWriter, r *http.Request) {
	query := r.URL.Query()
	options := execOptions{
		args:   query["command"],
		stdin:  queryBool(query.Get("stdin")),
		stdout: queryBool(query.Get("stdout")),
		stderr: queryBool(query.Get("stderr")),
	}
	if queryBool(query.Get("tty")) {
		writeStatus(w, http.StatusBadRequest, "BadRequest", "the stub has no tty")
		return
	}
	switch strings.ToLower(r.Header.Get("Upgrade")) {
	case "spdy/3.1":
		s.execSPDY(w, r, options)
	case "websocket":
		s.execWebSocket(w, r, options)
	default:
		writeStatus(w, http.StatusBadRequest, "BadRequest", "exec needs Upgrade: SPDY/3.1 or websocket")
	}
}
