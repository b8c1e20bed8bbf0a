#!/usr/bin/env python3
"""Superseded by bench/build.py (the example case and a phone-photo case,
against the Typst CLI). Kept so that `from run import measure` and
`bench/run.py [options]` keep working: `measure` now lives in
bench/corpus.py, and running this file runs bench/build.py.
"""
import pathlib, sys

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
from corpus import measure  # noqa: E402,F401  (re-exported)

if __name__ == "__main__":
    import build
    build.main()
