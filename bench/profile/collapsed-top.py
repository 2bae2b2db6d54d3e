#!/usr/bin/env python3
"""Summarise collapsed stacks from bench/profile/async-profile (one sample = 1 ms of CPU).

  python3 bench/profile/collapsed-top.py FILE                       CPU per thread group
  python3 bench/profile/collapsed-top.py FILE --thread NAME [--frame SUBSTRING] [--top N]
                                                                    top self and inclusive frames of those threads
"""
import argparse, collections, re

ap = argparse.ArgumentParser()
ap.add_argument('file')
ap.add_argument('--thread', help='keep threads whose name contains this')
ap.add_argument('--frame', help='keep samples whose stack contains this frame')
ap.add_argument('--top', type=int, default=30)
a = ap.parse_args()

per_thread, inclusive, self_time = collections.Counter(), collections.Counter(), collections.Counter()
kept = 0
for line in open(a.file, errors='replace'):
    stack, _, count = line.rstrip('\n').rpartition(' ')
    if not count.isdigit():
        continue
    count, frames = int(count), stack.split(';')
    thread = re.sub(r'[-\s]?\d+$', '', re.sub(r'\s*tid=\d+', '', frames[0].strip('[]')))
    per_thread[thread] += count
    if a.thread is None or a.thread not in thread:
        continue
    if a.frame and not any(a.frame in f for f in frames):
        continue
    kept += count
    self_time[frames[-1]] += count
    for f in set(frames[1:]):
        inclusive[f] += count

if a.thread is None:
    total = sum(per_thread.values())
    print(f'{total} samples (ms of CPU)')
    for name, n in per_thread.most_common(20):
        print(f'{n:8d} {100 * n / total:5.1f}%  {name}')
elif kept == 0:
    raise SystemExit('no samples')
else:
    print(f'{kept} samples (ms of CPU)\n\n# top self frames')
    for f, n in self_time.most_common(a.top):
        print(f'{100 * n / kept:5.1f}%  {f}')
    print('\n# top inclusive frames')
    for f, n in inclusive.most_common(a.top + 20):
        print(f'{100 * n / kept:5.1f}%  {f}')
