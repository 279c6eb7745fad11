package check

import (
	"encoding/xml"
	"fmt"
	"io"
	"time"
)

// The JUnit XML that CI systems read: testsuites / testsuite (one per
// scenario) / testcase (one per expectation, and the golden trace) /
// failure.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	File     string      `xml:"file,attr,omitempty"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Time     string      `xml:"time,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes results as JUnit XML: a suite per scenario, a case per
// check with the time spent evaluating it. A scenario that did not load or
// could not run is a suite with one failed case, "load" (of type load).
func WriteJUnit(w io.Writer, results []*Result) error {
	out := junitSuites{Name: "runsim check"}
	var total float64
	for _, r := range results {
		secs := r.Elapsed.Seconds()
		total += secs
		s := junitSuite{Name: r.Scenario, File: r.Path, Time: junitTime(r.Elapsed)}
		if r.Err != nil {
			s.Cases = append(s.Cases, junitCase{Name: "load", Classname: r.Scenario, Time: junitTime(r.Elapsed),
				Failure: &junitFailure{Message: r.Err.Error(), Type: "load", Text: r.Err.Error()}})
			s.Tests, s.Failures = 1, 1
		}
		for _, c := range r.Checks {
			tc := junitCase{Name: c.Name, Classname: r.Scenario, Time: junitTime(c.Elapsed)}
			if c.Failure != nil {
				tc.Failure = &junitFailure{
					Message: fmt.Sprintf("expected %s; got %s", c.Failure.Expected, c.Failure.Got),
					Type:    "expectation",
					Text:    c.Failure.Error(),
				}
				s.Failures++
			}
			s.Cases = append(s.Cases, tc)
			s.Tests++
		}
		if s.Tests == 0 { // nothing to check: the run itself is the case
			s.Cases = append(s.Cases, junitCase{Name: "runs", Classname: r.Scenario, Time: junitTime(r.Elapsed)})
			s.Tests = 1
		}
		out.Tests += s.Tests
		out.Failures += s.Failures
		out.Suites = append(out.Suites, s)
	}
	out.Time = fmt.Sprintf("%.6f", total)
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(out); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// junitTime is a duration in seconds, to the microsecond: checks often
// take less than a millisecond.
func junitTime(d time.Duration) string { return fmt.Sprintf("%.6f", d.Seconds()) }
