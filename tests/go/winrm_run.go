// winrm_run.go - runs one command through the Go WinRM library
// (github.com/masterzen/winrm, Debian's golang-github-masterzen-winrm-dev)
// against a WS-Man endpoint, for tests/integration/test_shell.py (which
// builds it with GOPATH=/usr/share/gocode GO111MODULE=off):
//
//	winrm_run -host H -port P [-https -insecure] -user U -pass P [-stdin TEXT] COMMAND [ARGS...]
//
// Prints the command's stdout and stderr as they come and exits with its
// exit code (or 255 when the library reports an error).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/masterzen/winrm"
)

func main() {
	host := flag.String("host", "127.0.0.1", "host")
	port := flag.Int("port", 5985, "port")
	https := flag.Bool("https", false, "HTTPS")
	insecure := flag.Bool("insecure", false, "accept any server certificate")
	user := flag.String("user", "", "user")
	pass := flag.String("pass", "", "password")
	stdin := flag.String("stdin", "", "text sent on stdin")
	flag.Parse()
	if flag.NArg() < 1 {
		fmt.Fprintln(os.Stderr, "usage: winrm_run [flags] COMMAND [ARGS...]")
		os.Exit(255)
	}
	endpoint := winrm.NewEndpoint(*host, *port, *https, *insecure, nil, nil, nil, 60*time.Second)
	client, err := winrm.NewClient(endpoint, *user, *pass)
	if err != nil {
		fmt.Fprintln(os.Stderr, "winrm_run:", err)
		os.Exit(255)
	}
	cmd := strings.Join(flag.Args(), " ")
	var code int
	if *stdin != "" {
		code, err = client.RunWithInput(cmd, os.Stdout, os.Stderr, strings.NewReader(*stdin))
	} else {
		code, err = client.Run(cmd, os.Stdout, os.Stderr)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "winrm_run:", err)
		os.Exit(255)
	}
	os.Exit(code)
}
