// Command kube_stub stands in for a Kubernetes API server in kha's e2e
// tests: just enough discovery, one pod to GET and PATCH, and the pod's exec
// subresource over SPDY/3.1 (kubectl <= 1.29) and WebSocket v5 (kubectl >=
// 1.30), so the real kubectl can be run through kha-proxy.
//
// It writes what it received into -record DIR so the tests can check that
// the proxy passed it on intact: requests.log (one line per request),
// patch.body and patch.type (the last PATCH), exec.log (one line per exec:
// transport, protocol version, command).
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
)

type server struct {
	record  string
	podName string

	mu  sync.Mutex
	pod map[string]interface{}
	rv  int
}

func main() {
	portFile := flag.String("port-file", "", "write the bound port here once listening")
	record := flag.String("record", ".", "folder for requests.log, patch.*, exec.log")
	podName := flag.String("pod", "stub-pod", "name of the one pod (namespace default)")
	flag.Parse()

	s := &server{record: *record, podName: *podName, rv: 1}
	s.pod = s.initialPod()
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		log.Fatal(err)
	}
	if *portFile != "" {
		port := strconv.Itoa(listener.Addr().(*net.TCPAddr).Port)
		// Written whole and renamed so the test never reads a partial port.
		tmp := *portFile + ".tmp"
		if err := os.WriteFile(tmp, []byte(port+"\n"), 0o644); err != nil {
			log.Fatal(err)
		}
		if err := os.Rename(tmp, *portFile); err != nil {
			log.Fatal(err)
		}
	}
	log.Fatal(http.Serve(listener, s))
}

func (s *server) initialPod() map[string]interface{} {
	var pod map[string]interface{}
	text := fmt.Sprintf(`{"kind":"Pod","apiVersion":"v1",
	  "metadata":{"name":%q,"namespace":"default","uid":"0b5e6d2c-kha-stub","resourceVersion":"1",
	    "labels":{"app":"stub"}},
	  "spec":{"containers":[{"name":"main","image":"stub"}]},
	  "status":{"phase":"Running"}}`, s.podName)
	if err := json.Unmarshal([]byte(text), &pod); err != nil {
		log.Fatal(err)
	}
	return pod
}

func (s *server) appendRecord(name, line string) {
	f, err := os.OpenFile(filepath.Join(s.record, name), os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		log.Print(err)
		return
	}
	defer f.Close()
	fmt.Fprintln(f, line)
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.appendRecord("requests.log", r.Method+" "+r.URL.RequestURI())
	podPath := "/api/v1/namespaces/default/pods/" + s.podName
	switch {
	case r.URL.Path == "/api" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, apiVersions)
	case r.URL.Path == "/apis" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, apiGroupList)
	case r.URL.Path == "/api/v1" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, coreResources)
	case r.URL.Path == "/version" && r.Method == http.MethodGet:
		writeJSON(w, http.StatusOK, version)
	case r.URL.Path == podPath && r.Method == http.MethodGet:
		s.getPod(w)
	case r.URL.Path == podPath && r.Method == http.MethodPatch:
		s.patchPod(w, r)
	case r.URL.Path == podPath+"/exec":
		s.exec(w, r)
	default:
		writeStatus(w, http.StatusNotFound, "NotFound", "the stub has no "+r.Method+" "+r.URL.Path)
	}
}

func (s *server) getPod(w http.ResponseWriter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	writeJSON(w, http.StatusOK, s.pod)
}

// patchPod applies strategic-merge and merge patches as an RFC 7386 merge
// patch: for the labels and annotations the tests patch, they agree.
func (s *server) patchPod(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", err.Error())
		return
	}
	contentType := r.Header.Get("Content-Type")
	if err := os.WriteFile(filepath.Join(s.record, "patch.body"), body, 0o644); err != nil {
		log.Print(err)
	}
	if err := os.WriteFile(filepath.Join(s.record, "patch.type"), []byte(contentType+"\n"), 0o644); err != nil {
		log.Print(err)
	}
	switch contentType {
	case "application/strategic-merge-patch+json", "application/merge-patch+json":
	default:
		writeStatus(w, http.StatusUnsupportedMediaType, "UnsupportedMediaType", "the stub cannot apply "+contentType)
		return
	}
	var patch interface{}
	if err := json.Unmarshal(body, &patch); err != nil {
		writeStatus(w, http.StatusBadRequest, "BadRequest", "patch is not JSON: "+err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pod, ok := mergePatch(deepCopy(s.pod), patch).(map[string]interface{})
	if !ok {
		writeStatus(w, http.StatusUnprocessableEntity, "Invalid", "patch does not leave an object")
		return
	}
	s.rv++
	if metadata, ok := pod["metadata"].(map[string]interface{}); ok {
		metadata["resourceVersion"] = strconv.Itoa(s.rv)
	}
	s.pod = pod
	writeJSON(w, http.StatusOK, s.pod)
}

func mergePatch(target, patch interface{}) interface{} {
	fields, ok := patch.(map[string]interface{})
	if !ok {
		return patch
	}
	object, ok := target.(map[string]interface{})
	if !ok {
		object = map[string]interface{}{}
	}
	for key, value := range fields {
		if value == nil {
			delete(object, key)
		} else {
			object[key] = mergePatch(object[key], value)
		}
	}
	return object
}

func deepCopy(object map[string]interface{}) map[string]interface{} {
	text, err := json.Marshal(object)
	if err != nil {
		log.Fatal(err)
	}
	var out map[string]interface{}
	if err := json.Unmarshal(text, &out); err != nil {
		log.Fatal(err)
	}
	return out
}

func writeJSON(w http.ResponseWriter, code int, body interface{}) {
	var text []byte
	if raw, ok := body.(string); ok {
		text = []byte(raw)
	} else {
		var err error
		if text, err = json.Marshal(body); err != nil {
			log.Fatal(err)
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(text)))
	w.WriteHeader(code)
	if _, err := w.Write(text); err != nil {
		log.Print(err)
	}
}

func writeStatus(w http.ResponseWriter, code int, reason, message string) {
	writeJSON(w, code, map[string]interface{}{
		"kind": "Status", "apiVersion": "v1", "metadata": map[string]interface{}{},
		"status": "Failure", "message": message, "reason": reason, "code": code,
	})
}

// Legacy (unaggregated) discovery: kubectl 1.32 asks for the aggregated
// form first and takes plain application/json as "not supported".
const apiVersions = `{"kind":"APIVersions","versions":["v1"],
  "serverAddressByClientCIDRs":[{"clientCIDR":"0.0.0.0/0","serverAddress":"127.0.0.1:6443"}]}`

const apiGroupList = `{"kind":"APIGroupList","apiVersion":"v1","groups":[]}`

const coreResources = `{"kind":"APIResourceList","groupVersion":"v1","resources":[
  {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod",
   "verbs":["get","list","patch"],"shortNames":["po"]},
  {"name":"pods/exec","singularName":"","namespaced":true,"kind":"PodExecOptions",
   "verbs":["create","get"]}]}`

const version = `{"major":"1","minor":"32","gitVersion":"v1.32.0-kha-stub","platform":"linux/amd64"}`

// splitVersions flattens repeated and comma-separated header values.
func splitVersions(values []string) []string {
	var out []string
	for _, value := range values {
		for _, item := range strings.Split(value, ",") {
			if item = strings.TrimSpace(item); item != "" {
				out = append(out, item)
			}
		}
	}
	return out
}
