"""Benchmarks of the portal at real scale (``make bench``), printed side by side with the
limit of the stack. They measure and report; they do not fail a build."""
