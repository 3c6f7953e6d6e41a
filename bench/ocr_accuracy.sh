#!/bin/sh
# ocr_accuracy.sh - accuracy of `sohoa ocr --json` on a generated labelled set (see
# bench/ocr_accuracy.py for what it prints).  Needs python3-pil and python3-qrcode.
#   bench/ocr_accuracy.sh [--sohoa BIN] [--set DIR] [--count N] [--corpus DIR] [--keep]
exec /usr/bin/python3 "$(dirname "$0")/ocr_accuracy.py" "$@"
