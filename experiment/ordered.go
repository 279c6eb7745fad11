package experiment

import "sync"

// ordered computes work(0..n-1) on workers goroutines and hands each result
// to consume in index order, on the calling goroutine. No more than
// 4·workers results wait at once. The first error stops the dispatch and is
// returned once the work under way has finished.
func ordered[T any](n, workers int, work func(i int) (T, error), consume func(i int, t T) error) error {
	workers = max(1, min(workers, n))
	type result struct {
		i   int
		t   T
		err error
	}
	window := make(chan struct{}, 4*workers) // free places for results in flight
	for range cap(window) {
		window <- struct{}{}
	}
	jobs := make(chan int)
	results := make(chan result)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				t, err := work(i)
				results <- result{i, t, err}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := range n {
			select {
			case <-window:
			case <-stop:
				return
			}
			select {
			case jobs <- i:
			case <-stop:
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	pending := map[int]T{}
	next := 0
	var firstErr error
	for r := range results {
		if firstErr != nil {
			continue // drain
		}
		if r.err != nil {
			firstErr = r.err
			close(stop)
			continue
		}
		pending[r.i] = r.t
		for {
			t, ok := pending[next]
			if !ok {
				break
			}
			delete(pending, next)
			if err := consume(next, t); err != nil {
				firstErr = err
				close(stop)
				break
			}
			next++
			window <- struct{}{}
		}
	}
	return firstErr
}
