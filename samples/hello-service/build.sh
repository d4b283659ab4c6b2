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
# Started on every install and rollback, so it starts fast: -I -S (no site,
# no user paths: the service needs only the standard library), and a system
# python3 before the PATH's, which may be a version manager's shim (pyenv's
# costs a shell and more on every start).
cd "$(dirname "$0")" || exit 1
for python in /usr/bin/python3 /usr/local/bin/python3; do
    if [ -x "$python" ]; then exec "$python" -I -S service.py; fi
done
exec python3 -I -S service.py
RUN
chmod 755 "$OUT/run"
