"""Demo and scale data: the seeds ``make run`` shows and the generator behind ``seed_demo``.

This package sits on top of every app and may import any of them; no app imports it
(a test walks their sources to keep it so). ``load_demo`` refuses production.
"""
