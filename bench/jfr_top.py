#!/usr/bin/env python3
"""Top frames of a JFR recording by execution-sample count.

    jfr print --events jdk.ExecutionSample rec.jfr | python3 bench/jfr_top.py [N]

Prints the N (default 25) most frequent top-of-stack frames, then the most frequent frames
anywhere on the stack (inclusive counts: how many samples had the frame on their stack).
"""
import collections
import re
import sys

FRAME = re.compile(r"^\s{4}(?!\.\.\.)(\S.*?)(?:\s+line:.*)?$")


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    top = collections.Counter()
    inclusive = collections.Counter()
    samples = 0
    stack = None
    for line in sys.stdin:
        if line.startswith("jdk.ExecutionSample"):
            stack = []
            continue
        if stack is None:
            continue
        if line.strip().startswith("stackTrace = ["):
            continue
        m = FRAME.match(line)
        if m:
            stack.append(m.group(1))
            continue
        if line.strip() == "]" or line.strip() == "...":
            if line.strip() == "]" and stack is not None:
                if stack:
                    samples += 1
                    top[stack[0]] += 1
                    for f in set(stack):
                        inclusive[f] += 1
                stack = None
    print(f"{samples} samples (stacks are cut at JFR's stack depth; 'print' shows at most 5 frames"
          " unless --stack-depth is given)")
    print(f"\nTop frames (self), first {n}:")
    for f, c in top.most_common(n):
        print(f"  {c:6d}  {100.0 * c / samples:5.1f}%  {f}")
    print(f"\nFrames on the stack (inclusive), first {n}:")
    for f, c in inclusive.most_common(n):
        print(f"  {c:6d}  {100.0 * c / samples:5.1f}%  {f}")


if __name__ == "__main__":
    main()
