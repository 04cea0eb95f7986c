# Sourced by the benchmarks that run the shared tools: sets `tools` (../shared/tools, or $SCHEDULEDROP_SHARED_TOOLS),
# checks that its generator is there, and installs libical-dev and time when missing.
tools=${SCHEDULEDROP_SHARED_TOOLS:-../shared/tools}
[ -f "$tools/gen_ics.py" ] || { echo "no $tools/gen_ics.py (set SCHEDULEDROP_SHARED_TOOLS)" >&2; exit 2; }
sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
missing=()
dpkg -s libical-dev >/dev/null 2>&1 || missing+=(libical-dev)
command -v /usr/bin/time >/dev/null || missing+=(time)
[ ${#missing[@]} -eq 0 ] || $sudo apt-get install -y -q "${missing[@]}" >/dev/null
