"""``python -m bench``: run every benchmark against the configured database, print the
figures with their targets, and write them to bench/results.md."""

from bench.run import main

main()
