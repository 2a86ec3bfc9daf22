#!/usr/bin/env bash
# Builds, here, what tools/gpu/gpu-benchmark.sh needs on a lent GPU machine and that may travel
# with the working tree (64 MiB in all, tracked files included), into target/gpu-carry/:
#   app.tar.xz   the service, extracted from the Spring Boot jar (jarmode tools), WITHOUT the
#                111 MB pytorch-native-cpu jar: on the GPU machine DJL loads the machine's own
#                CUDA libtorch. Every other jar is re-stored uncompressed so that xz packs the
#                whole classpath solidly (41 MB of deflated jars -> ~19 MB).
#   jre.tar.xz   a jlinked Java 17 runtime (the modules below; no JDK on the GPU machine).
#   src/         only with --gradcam-src/--ttach-src: the pytorch_grad_cam and ttach packages
#                for the optional peer timing (never committed; target/ is ignored).
# Then it counts what a device call would send and refuses to pass when it is over 64 MiB.
# It never fetches or builds DJL: its JNI is built on the GPU machine and given to the device
# script as a path (docs/gpu.md). Anything else you mean to carry (that JNI's source folder, say)
# goes in --also, to be counted.
#
#   tools/gpu/prepare-carry.sh [--skip-build] [--gradcam-src DIR] [--ttach-src DIR] [--also PATH]...
# DIR is a checkout or a bare git mirror of the project named.
set -euo pipefail
cd "$(dirname "$0")/../.."

# What jdeps finds the service's classpath needs (`jdeps --ignore-missing-deps --print-module-deps
# --multi-release 17 --class-path 'lib/*' <app jar>`; with their requirements): java.desktop for
# ImageIO, java.security.jgss for Tomcat, java.sql and java.naming for Spring, jdk.unsupported for
# DJL/JNA. A smaller hand-picked set failed at start-up (Tomcat: org.ietf.jgss.GSSException);
# tools/gpu/cpu-dry-run.sh proves the set serves requests.
MODULES=java.base,java.compiler,java.desktop,java.instrument,java.naming,java.net.http,java.prefs,java.scripting,java.security.jgss,java.sql,jdk.jfr,jdk.management,jdk.unsupported
LIMIT=$((64 * 1024 * 1024))
carry=target/gpu-carry

skip_build=false
gradcam_src="" ttach_src=""
also=()
while [ $# -gt 0 ]; do
  case "$1" in
    --skip-build) skip_build=true ;;
    --gradcam-src) gradcam_src=$2; shift ;;
    --ttach-src) ttach_src=$2; shift ;;
    --also) also+=("$2"); shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done

if [ "$skip_build" = false ]; then
  ./mvnw -B -ntp -q -o -DskipTests package
fi
jar=$(ls target/scorecam-server-*.jar | grep -v '\.original$' | head -1)
[ -f "$jar" ] || { echo "no service jar in target/; build it first" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rm -rf "$carry/app.tar.xz" "$carry/jre.tar.xz"
mkdir -p "$carry"

echo "== service: $jar without the CPU natives"
java -Djarmode=tools -jar "$jar" extract --destination "$work/app" >/dev/null
rm -f "$work"/app/lib/pytorch-native-*.jar
for lib in "$work"/app/lib/*.jar; do
  unpacked="$work/unpacked"
  mkdir "$unpacked"
  (cd "$unpacked" && unzip -q "$lib")
  rm "$lib"
  (cd "$unpacked" && zip -q -0 -X -r "$lib" .)
  rm -rf "$unpacked"
done
tar -C "$work/app" -cf - . | xz -T2 -6 >"$carry/app.tar.xz"

echo "== runtime: jlink $MODULES"
# Uncompressed modules: xz packs them far better than jlink's own zip (17 MB instead of 29).
jlink --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=0 \
  --output "$work/jre"
"$work/jre/bin/java" -version 2>&1 | head -1
tar -C "$work/jre" -cf - . | xz -T2 -6 >"$carry/jre.tar.xz"

copy_package() {   # copy_package <checkout or bare mirror> <package folder> <destination>
  local from=$1 package=$2 to=$3
  rm -rf "$to" && mkdir -p "$to"
  if [ -d "$from/$package" ]; then
    cp -r "$from/$package" "$to/"
  else
    git --git-dir="$from" archive HEAD "$package" | tar -x -C "$to"
  fi
  [ -f "$to/$package/__init__.py" ] || { echo "no $package/__init__.py copied from $from" >&2; exit 1; }
  find "$to" -name __pycache__ -prune -exec rm -rf {} +
}
if [ -n "$gradcam_src" ]; then
  copy_package "$gradcam_src" pytorch_grad_cam "$carry/src/pytorch-grad-cam"
fi
if [ -n "$ttach_src" ]; then
  copy_package "$ttach_src" ttach "$carry/src/ttach"
fi

echo "== what a device call sends (64 MiB at most)"
bytes() { du -sb "$@" 2>/dev/null | awk '{s += $1} END {print s + 0}'; }
tree=$(git ls-files -z -co --exclude-standard | xargs -0 -r stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
shared=$( [ -d shared ] && bytes shared || echo 0)
carried=$(bytes "$carry")
extra=0
for path in "${also[@]+"${also[@]}"}"; do
  extra=$((extra + $(bytes "$path")))
done
total=$((tree + shared + carried + extra))
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
printf '%-40s %s\n' "working tree (tracked + untracked)" "$(mib "$tree")" \
  "shared/" "$(mib "$shared")" \
  "$carry (app, jre${gradcam_src:+, src})" "$(mib "$carried")" \
  "--also ${also[*]+"${also[*]}"}" "$(mib "$extra")" \
  "total" "$(mib "$total") of $(mib "$LIMIT")"
if [ "$total" -gt "$LIMIT" ]; then
  echo "over the 64 MiB a device call may carry" >&2
  exit 1
fi
echo "carry: $carry"
