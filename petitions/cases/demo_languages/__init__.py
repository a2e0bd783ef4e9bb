"""The demo campaign (petitions/cases/demo.py) in each of its other languages, one module each."""
