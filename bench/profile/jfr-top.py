#!/usr/bin/env python3
"""Summarise jdk.ExecutionSample events of a JFR file: top self frames and top inclusive frames.

  python3 bench/profile/jfr-top.py FILE.jfr [--filter SUBSTRING] [--top N]

--filter keeps only samples whose stack contains SUBSTRING (e.g. a request-handling frame), so start-up
and idle threads do not dilute the figures. Uses the JDK's `jfr` tool.
"""
import argparse, collections, re, subprocess, sys

ap = argparse.ArgumentParser()
ap.add_argument('file')
ap.add_argument('--filter', default=None)
ap.add_argument('--top', type=int, default=25)
a = ap.parse_args()
out = subprocess.run(['jfr', 'print', '--events', 'jdk.ExecutionSample', '--stack-depth', '200', a.file],
                     capture_output=True, text=True, check=True).stdout
samples = []
for block in out.split('jdk.ExecutionSample')[1:]:
    frames = re.findall(r'^\s+([\w$.<>/]+)\(.*?\)\s+line:', block, re.M)
    if frames:
        samples.append(frames)
if a.filter:
    samples = [s for s in samples if any(a.filter in f for f in s)]
n = len(samples)
if n == 0:
    sys.exit('no samples')
self_c = collections.Counter(s[0] for s in samples)
incl = collections.Counter()
for s in samples:
    for f in set(s):
        incl[f] += 1
print(f'samples: {n}')
print('\n# top self frames')
for f, c in self_c.most_common(a.top):
    print(f'{100*c/n:6.1f}%  {f}')
print('\n# top inclusive frames')
for f, c in incl.most_common(a.top + 15):
    print(f'{100*c/n:6.1f}%  {f}')
