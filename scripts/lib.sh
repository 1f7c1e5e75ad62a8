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
