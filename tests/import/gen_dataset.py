#!/usr/bin/env python3
"""The import tests' data set: bench/gen (the benchmark's generator, issue 6) with these tests' default of
24 projects (an explicit --projects wins: argparse keeps the last). Same arguments, same bytes."""
import os
import sys

gen = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "bench", "gen")
os.execv(sys.executable, [sys.executable, gen, "--projects", "24"] + sys.argv[1:])
