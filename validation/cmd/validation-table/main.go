// Command validation-table runs the validation suite of package
// runsim/validation and writes its table into docs/VALIDATION.md, between
// the table markers (or, with -doc -, to standard output).
//
//	go run ./validation/cmd/validation-table                # the long form, into docs/VALIDATION.md
//	go run ./validation/cmd/validation-table -form short -doc -
//	go run ./validation/cmd/validation-table -scan 10       # also the scan of base seeds (short form)
//
// It exits 1 when the form does not pass (validation.Form.Judge; the table
// is written all the same), 2 on bad usage or a file that cannot be read or
// written.
package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"

	"runsim/internal/atomicfile"
	"runsim/validation"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("validation-table", flag.ContinueOnError)
	fs.SetOutput(stderr)
	form := fs.String("form", "long", "long or short")
	doc := fs.String("doc", "docs/VALIDATION.md", "the document whose table to rewrite; - prints the table")
	scan := fs.Int("scan", 0, "also run the short form at this many base seeds (0, 1000, …) and write the scan")
	workers := fs.Int("workers", runtime.NumCPU(), "goroutines per point (the results do not depend on it)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var f validation.Form
	switch *form {
	case "long":
		f = validation.Long
	case "short":
		f = validation.Short
	default:
		fmt.Fprintf(stderr, "validation-table: unknown form %q (long, short)\n", *form)
		return 2
	}
	rs, err := validation.RunAll(validation.Cases(), f, validation.BaseSeed, *workers)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	table := validation.Table(f, validation.BaseSeed, rs)
	var scanText string
	if *scan > 0 {
		bases := make([]uint64, *scan)
		for i := range bases {
			bases[i] = uint64(1000 * i)
		}
		rows, err := validation.Scan(validation.Cases(), validation.Short, bases, *workers)
		if err != nil {
			fmt.Fprintln(stderr, err)
			return 2
		}
		scanText = validation.ScanTable(validation.Short, rows)
	}
	if *doc == "-" {
		fmt.Fprint(stdout, table)
		if scanText != "" {
			fmt.Fprint(stdout, "\n"+scanText)
		}
	} else {
		old, err := os.ReadFile(*doc)
		if err != nil {
			fmt.Fprintln(stderr, "validation-table:", err)
			return 2
		}
		out, err := validation.ReplaceTable(old, table)
		if err == nil && scanText != "" {
			out, err = validation.ReplaceScan(out, scanText)
		}
		if err == nil {
			err = atomicfile.Write(*doc, out)
		}
		if err != nil {
			fmt.Fprintln(stderr, "validation-table:", err)
			return 2
		}
		fmt.Fprintf(stdout, "%s: %d checks, %d outside their 95%% interval\n", *doc, len(rs), validation.Outside(rs))
	}
	if err := f.Judge(rs); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return 0
}
