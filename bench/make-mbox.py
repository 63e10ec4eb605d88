#!/usr/bin/env python3
"""Writes an mbox holding every corpus email REPEAT times: make-mbox.py DIR REPEAT OUT.

Files that are already mboxes are appended as they are; other messages get a `From `
separator line, and body lines starting with `From ` are escaped (mboxrd)."""
import os
import sys

src, repeat, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
names = sorted(os.listdir(src))
blobs = []
for n in names:
    raw = open(os.path.join(src, n), "rb").read().replace(b"\r\n", b"\n")
    if raw.startswith(b"From "):
        blobs.append(raw if raw.endswith(b"\n") else raw + b"\n")
        continue
    lines = raw.split(b"\n")
    esc = [b">" + l if l.startswith(b"From ") else l for l in lines]
    blobs.append(b"From MAILER-DAEMON Thu Jan  1 00:00:00 2026\n" + b"\n".join(esc).rstrip(b"\n") + b"\n\n")
with open(out, "wb") as f:
    for _ in range(repeat):
        for b in blobs:
            f.write(b)
