#!/usr/bin/env bash
# `make bench`: measurements, not tests. Results go to bench/results/ as JSON and Markdown.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python bench/pdf_pipeline.py
