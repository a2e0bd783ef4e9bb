"""The benchmarks of `make bench` (bench/run.py) and their parts.

A package, so the parts import each other as ``bench.<module>`` from the project root and mypy
checks them under one name. The wheel does not carry it (setup.py packages petitions only).
"""
