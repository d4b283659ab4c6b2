#!/bin/sh
# Build hello-service into "$OUT": service.py, VERSION and an executable `run`.
# VERSION is $VERSION, else the git commit being built, else "dev".
# UNHEALTHY=1 (or a file UNHEALTHY in the source) builds a release whose
# /health answers 503. POSIX sh, no network.
set -eu
: "${OUT:?set OUT to the folder to build into}"
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$OUT"
cp "$here/service.py" "$OUT/service.py"
version=${VERSION:-}
if [ -z "$version" ]; then
    version=$(git -C "$here" rev-parse --short=12 HEAD 2>/dev/null || echo dev)
fi
printf '%s\n' "$version" > "$OUT/VERSION"
if [ -n "${UNHEALTHY:-}" ] || [ -f "$here/UNHEALTHY" ]; then
    printf 'this build answers 503 on /health\n' > "$OUT/UNHEALTHY"
else
    rm -f "$OUT/UNHEALTHY"
fi
cat > "$OUT/run" <<'RUN'
#!/bin/sh
cd "$(dirname "$0")" && exec python3 service.py
RUN
chmod 755 "$OUT/run"
