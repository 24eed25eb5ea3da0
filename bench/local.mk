## bench/: `make bench` (see bench/run.sh); filled in by the benchmark commit
