// Command runsim simulates the run scheduler and start throttle of the
// Microsoft Graph industry data service. Run "runsim help" for the commands.
package main

import "os"

func main() {
	os.Exit(cli(os.Args[1:], os.Stdout, os.Stderr))
}
