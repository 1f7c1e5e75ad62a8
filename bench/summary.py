#!/usr/bin/env python3
"""Prints a compact table of a JMH JSON result file (scripts/bench runs this).

Throughput benchmarks whose op is one MiB moved (MuxThroughputBenchmark, TlsBackendBenchmark) and
CodecBenchmark (one op = one frame of `payload` bytes) also get MB/s (10^6 bytes/s). With -prof gc,
gc.alloc.rate.norm (bytes allocated per op) is shown; for the MiB-op benchmarks that is bytes
allocated per forwarded MiB.
"""
import json
import sys

MIB = 1 << 20
MIB_PER_OP = ("MuxThroughputBenchmark", "TlsBackendBenchmark")


def bytes_per_op(name, params):
    cls = name.split(".")[-2]
    if cls in MIB_PER_OP:
        return MIB
    if cls == "CodecBenchmark" and "payload" in params:
        return int(params["payload"])
    return None


def fmt_error(err):
    """JMH writes "NaN" (a string) when there are too few iterations for an error."""
    try:
        e = float(err)
    except (TypeError, ValueError):
        return ""
    return "" if e != e else f"{e:,.1f}"


def per_second(unit):
    return {"ops/s": 1.0, "ops/ms": 1e3, "ops/us": 1e6, "ops/ns": 1e9}.get(unit)


def main(path):
    with open(path) as f:
        results = json.load(f)
    rows = [("benchmark", "params", "score", "± error", "unit", "MB/s", "alloc/op", "alloc per MiB")]
    for r in results:
        name = r["benchmark"]
        short = ".".join(name.split(".")[-2:])
        params = r.get("params", {}) or {}
        pm = r["primaryMetric"]
        score, err, unit = pm["score"], pm.get("scoreError"), pm["scoreUnit"]
        err_s = fmt_error(err)
        mbs = ""
        bpo = bytes_per_op(name, params)
        scale = per_second(unit)
        if bpo and scale and r.get("mode") == "thrpt":
            mbs = f"{score * scale * bpo / 1e6:,.0f}"
        alloc = alloc_mib = ""
        norm = (r.get("secondaryMetrics") or {}).get("gc.alloc.rate.norm")
        if norm:
            alloc = f"{norm['score']:,.0f} B"
            if bpo:
                alloc_mib = f"{norm['score'] * MIB / bpo:,.0f} B"
        p = " ".join(f"{k}={v}" for k, v in params.items())
        rows.append((short, p, f"{score:,.1f}", err_s, unit, mbs, alloc, alloc_mib))
    if not any(row[6] for row in rows[1:]):
        rows = [row[:6] for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print()
    print("MuxThroughput/TlsBackend: one op = 1 MiB moved, so ops/s = MiB/s; MB/s = 10^6 bytes/s."
          " Codec: one op = one DATA frame.")
    if any(len(row) > 6 and row[7] for row in rows[1:]):
        print("alloc/op = gc.alloc.rate.norm (all threads, virtual ones included via their carriers);"
              " alloc per MiB = bytes allocated per MiB of payload moved.")
    percentiles(results)


def percentiles(results):
    """SampleTime benchmarks (LatencyBenchmark): p50/p90/p99/p99.9 per case, and p50/p99 added over rawTcp."""
    sampled = [r for r in results if r.get("mode") == "sample"]
    if not sampled:
        return
    keys = ("50.0", "90.0", "99.0", "99.9")
    raw = {}
    for r in sampled:
        if r["benchmark"].endswith(".rawTcp"):
            raw[json.dumps(r.get("params", {}), sort_keys=True)] = r["primaryMetric"]["scorePercentiles"]
    print()
    rows = [("latency", "params", "p50", "p90", "p99", "p99.9", "p50 added", "p99 added", "unit")]
    for r in sampled:
        pm = r["primaryMetric"]
        pct = pm["scorePercentiles"]
        base = raw.get(json.dumps(r.get("params", {}), sort_keys=True))
        added = [f"{pct[k] - base[k]:,.1f}" if base and not r["benchmark"].endswith(".rawTcp") else ""
                 for k in ("50.0", "99.0")]
        params = " ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
        rows.append((".".join(r["benchmark"].split(".")[-2:]), params, *(f"{pct[k]:,.1f}" for k in keys), *added,
                     pm["scoreUnit"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for i, row in enumerate(rows):
        print("  ".join(c.ljust(w) if j < 2 else c.rjust(w) for j, (c, w) in enumerate(zip(row, widths))))
        if i == 0:
            print("  ".join("-" * w for w in widths))
    print("Latency: one op = one request/response round trip; added = the case's percentile minus rawTcp's.")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/target/jmh-result.json")
