"""Deterministic synthetic data at the sizes the portal must handle (``seed_demo --scale``).

Nothing here describes a real girl: every figure comes from a seeded random generator
whose parameters give realistic distributions (events clustered around Girls in ICT Day,
COP integration rising over the years, learning gains that differ by module, age band and
region, some unpaired and repeated responses).
"""
