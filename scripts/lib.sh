# Shared by every script in scripts/: finds a JDK >= 21 and exports JAVA_HOME.
# Source it; do not run it. Order: $JAVA_HOME if it qualifies, else the newest JDK
# under /usr/lib/jvm (or $LOOMTUNNEL_JVM_DIR). Fails with one clear line when none.

LOOMTUNNEL_MIN_JAVA=21
LOOMTUNNEL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Prints the feature version (e.g. 25) of the JDK at $1, or nothing.
loomtunnel_jdk_version() {
  local home="$1"
  [ -x "$home/bin/java" ] && [ -x "$home/bin/javac" ] || return 0
  local release="$home/release"
  if [ -r "$release" ]; then
    sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -n1
  else
    "$home/bin/java" -XshowSettings:properties -version 2>&1 \
      | sed -n 's/^ *java.specification.version = \([0-9]*\).*/\1/p' | head -n1
  fi
}

loomtunnel_find_jdk() {
  if [ -n "${JAVA_HOME:-}" ]; then
    local v; v="$(loomtunnel_jdk_version "$JAVA_HOME")"
    if [ -n "$v" ] && [ "$v" -ge "$LOOMTUNNEL_MIN_JAVA" ]; then
      export JAVA_HOME; return 0
    fi
  fi
  local dir="${LOOMTUNNEL_JVM_DIR:-/usr/lib/jvm}" best="" best_v=0 home v
  for home in "$dir"/*; do
    [ -d "$home" ] && [ ! -L "$home" ] || continue
    v="$(loomtunnel_jdk_version "$home")"
    if [ -n "$v" ] && [ "$v" -ge "$LOOMTUNNEL_MIN_JAVA" ] && [ "$v" -gt "$best_v" ]; then
      best="$home"; best_v="$v"
    fi
  done
  if [ -z "$best" ]; then
    echo "loomtunnel: no JDK $LOOMTUNNEL_MIN_JAVA or newer found (JAVA_HOME=${JAVA_HOME:-unset}, searched $dir); install one, e.g. 'apt-get install openjdk-21-jdk-headless', or set JAVA_HOME" >&2
    return 1
  fi
  export JAVA_HOME="$best"
}

loomtunnel_find_jdk || exit 1
export PATH="$JAVA_HOME/bin:$PATH"
# Maven 3.8 itself touches sun.misc.Unsafe; newer JDKs warn about it on every run.
if [ "$(loomtunnel_jdk_version "$JAVA_HOME")" -ge 24 ]; then
  export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"
fi

# Maven's console library (jansi 2.4) writes colour resets, ESC[0m, to stdout and stderr before and
# after Maven's output, even in batch mode and into a pipe, where it cannot load its native library
# (Debian's maven 3.8.7 package): a first `scripts/loomtunnel` run left them on stderr. Not resetting is all it takes.
export MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true"

# Maven, quiet unless asked, always in batch mode (no colour codes in CI logs).
loomtunnel_mvn() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "loomtunnel: Maven (mvn) not found; install it, e.g. 'apt-get install maven'" >&2
    return 1
  fi
  mvn -B -ntp -f "$LOOMTUNNEL_ROOT/pom.xml" "$@"
}

# Installs Debian packages for tools the tests drive when they are missing (as root, e.g. in CI);
# otherwise says which are missing. Each argument is a command, or command:package where the
# package is named otherwise; a command starting with / is a file that must exist. Usage:
# loomtunnel_require_tools curl ip:iproute2 /usr/share/bash-completion/bash_completion:bash-completion
# LOOMTUNNEL_TOOLS_FOR names who needs them in the messages (default: the tests).
loomtunnel_require_tools() {
  local missing=() tool
  for tool in "$@"; do
    case "$tool" in
      /*) [ -e "${tool%%:*}" ] || missing+=("${tool#*:}") ;;
      *) command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}") ;;
    esac
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "loomtunnel: installing ${missing[*]} for ${LOOMTUNNEL_TOOLS_FOR:-the tests}" >&2
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "loomtunnel: ${LOOMTUNNEL_TOOLS_FOR:-the tests} cannot run without ${missing[*]}; install them (e.g. apt-get install ${missing[*]})" >&2
    return 1
  fi
}

# JVM options of a loomtunnel process (scripts/loomtunnel; scripts/package bakes the same into its
# launcher; bench-e2e runs its servers and clients with them). Without them the JVM sizes its heap
# from the machine's memory (a quarter of it, 384 MB to start on 24 GiB) and keeps what it once
# used: docs/BENCHMARKS.md, "Launcher defaults", has the figures. Sets the array LOOMTUNNEL_JVM_OPTIONS:
#   G1 (named, so small machines get it too)   Serial needed ~20x more collections per MiB moved:
#                  its young generation grows only with the old one, which stays small here
#   -Xms16m -Xmx1g a small start that G1 grows under load, and a bound (10,000 streams hold ~135 MB)
#   Min/MaxHeapFreeRatio 10/30, G1PeriodicGCInterval=30000   give heap back when idle
#   -XX:-G1UseAdaptiveIHOP -XX:InitiatingHeapOccupancyPercent=75   start a marking cycle only
#                  when the old generation fills three quarters of the heap: with the tight ratios
#                  above, G1's adaptive threshold started a cycle every second under load and each
#                  remark shrank the heap back to ~16 MB (~20 cycles, ~90 young collections per
#                  768 MiB moved), which halved single-stream throughput (docs/BENCHMARKS.md,
#                  "Heap free ratios and the marking threshold")
#   TrimNativeHeapInterval=2000   return freed malloc memory (the JIT's arenas, mostly) to the OS
#   compact object headers (JDK 25+)   8-byte headers: less heap
#   -Djdk.pollerMode=1   the JDK's platform poller threads wake a virtual thread whose socket is
#                  ready themselves; the default (a master poller waking a virtual sub-poller)
#                  costs one more thread hand-off per wake: -2.4 context switches and -25 us p50
#                  per 64 B round trip through a tunnel, MB/s unchanged; HTTP with 8 busy
#                  connections is mixed (h2load +16 %, the bench's Java client -9 to -16 %, more
#                  CPU per request); -Djdk.pollerMode=2 in LOOMTUNNEL_JAVA_OPTS restores the JDK's
#                  default (docs/BENCHMARKS.md, "The JDK's poller mode, idle")
# followed by the words of $LOOMTUNNEL_JAVA_OPTS, which win (a GC named there replaces G1).
# Tried for RSS and not kept (docs/BENCHMARKS.md, "Server RSS: where it goes"): C1 only (-15 to -25 MB
# under load, 6-9x the CPU per MB: AES-GCM's intrinsics are C2's), Serial (-2 to -3 MB idle), a lower
# -Xms and free ratios (-2 to -6 MB idle, more GC pauses), faster trimming, code cache size, no CDS;
# C2 only (-XX:-TieredCompilation: -6 to -11 MB, slower first round trips) is still to be judged idle.
loomtunnel_jvm_options() {
  local extra=() o gc=-XX:+UseG1GC
  read -r -a extra <<< "${LOOMTUNNEL_JAVA_OPTS:-}"
  for o in ${extra[@]+"${extra[@]}"}; do
    [[ "$o" == -XX:+Use*GC ]] && gc=""
  done
  LOOMTUNNEL_JVM_OPTIONS=(${gc:+"$gc"} -Xms16m -Xmx1g -XX:MinHeapFreeRatio=10 -XX:MaxHeapFreeRatio=30
    -XX:TrimNativeHeapInterval=2000 -Djdk.pollerMode=1)
  [ -n "$gc" ] && LOOMTUNNEL_JVM_OPTIONS+=(-XX:G1PeriodicGCInterval=30000 -XX:-G1UseAdaptiveIHOP
    -XX:InitiatingHeapOccupancyPercent=75)
  if [ "$(loomtunnel_jdk_version "$JAVA_HOME")" -ge 25 ]; then
    LOOMTUNNEL_JVM_OPTIONS+=(-XX:+UseCompactObjectHeaders)
  fi
  LOOMTUNNEL_JVM_OPTIONS+=(${extra[@]+"${extra[@]}"})
}

# The AOT cache (JDK 25+, JEP 483/514/515: classes loaded and linked, lambdas resolved and method
# profiles of a training run) that lets a fresh process start and warm up sooner. It is only valid
# for the exact jar, JDK and JVM options it was made with: the stamp beside it records them.
# Prints the stamp for jar $1 and the options after it.
loomtunnel_aot_stamp() {
  local jar="$1"; shift
  echo "$(stat -c '%s %Y' "$jar") $JAVA_HOME $(md5sum < "$JAVA_HOME/release" 2>/dev/null | cut -c1-32) $*"
}

# Training run for the AOT cache: the jar's AotTraining class runs a `server` and a `client`
# command (and a `demo`) in one JVM as users start them, sends HTTP requests and bulk data through
# their tunnels and exits, at which the JVM writes the cache. The classpath is the jar, as with
# `java -jar`, so the cache fits the commands' runs. Bounded: the training gives up after 5 minutes.
# Usage:
#   loomtunnel_aot_train JAVA JAR CACHE [JVM OPTIONS...]   (JAR by absolute path: the cache records it)
# Writes CACHE and CACHE.stamp, or fails with one line; the training's output goes to CACHE.log.
loomtunnel_aot_train() {
  local java="$1" jar="$2" cache="$3"; shift 3
  local tmp
  tmp="$(mktemp -d)" || return 1
  # The JVM writes the cache as it exits. Callers run under `set -e`: the status is tested, not left to stop us.
  if ! timeout 300 "$java" "$@" -XX:AOTCacheOutput="$tmp/loomtunnel.aot" -cp "$jar" \
      io.loomtunnel.internal.cli.AotTraining > "$cache.log" 2>&1 </dev/null || [ ! -s "$tmp/loomtunnel.aot" ]; then
    rm -rf "$tmp"
    echo "loomtunnel: AOT training run failed or wrote no cache (see $cache.log)" >&2
    return 1
  fi
  mv "$tmp/loomtunnel.aot" "$cache.new" && mv "$cache.new" "$cache"
  loomtunnel_aot_stamp "$jar" "$@" > "$cache.stamp"
  rm -rf "$tmp"
}
