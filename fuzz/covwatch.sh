#!/bin/bash
# covwatch.sh OUT FLATMIN LOG PID [LOG PID ...] — every 30 s append "HH:MM:SS wall_min cpu_min cov ft execs flat_cpu_min"
# to OUT, where cov is the highest "cov:" of the logs (processes that share a corpus directory reload each other's finds),
# ft and execs are summed, and "flat" is measured in the first fuzzer's own CPU time (utime+stime from /proc), so that
# pausing it (kill -STOP) does not count as flat time. Only a rise of the highest cov restarts the count: a process
# catching up with the other's find (reloading it) adds no coverage to the campaign. When the highest cov has not
# risen for FLATMIN CPU minutes, every fuzzer is stopped (SIGINT) and a line "plateau" is written.
out=$1 flat=${2:-10}; shift 2
logs=() pids=()
while [ $# -ge 2 ]; do logs+=("$1"); pids+=("$2"); shift 2; done
tck=$(getconf CLK_TCK)
cpu() { awk -v t="$tck" '{print int(($14+$15)/t)}' "/proc/${pids[0]}/stat"; }
field() { sed -n "s/.*$1: \\([0-9]*\\).*/\\1/p"; }
start=$(date +%s); last=""; since=$(cpu)
while kill -0 "${pids[0]}" 2>/dev/null; do
  sleep 30
  key="" cov=0 ft=0 ex=0
  for l in "${logs[@]}"; do
    line=$(grep -a -E '^#[0-9]+' "$l" | tail -1)
    c1=$(field cov <<<"$line"); f1=$(field ft <<<"$line"); e1=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$line")
    key="$key ${c1:-0}"
    [ "${c1:-0}" -gt "$cov" ] && cov=$c1
    ft=$(( ft + ${f1:-0} )); ex=$(( ex + ${e1:-0} ))
  done
  c=$(cpu) || break
  now=$(date +%s)
  if [ "$cov" != "$last" ]; then last=$cov; since=$c; fi
  echo "$(date +%T) wall=$(( (now-start)/60 )) cpu=$(( c/60 )) cov=$cov ($key ) ft=$ft execs=$ex flatcpu=$(( c-since ))s" >> "$out"
  if [ $(( c - since )) -ge $(( flat*60 )) ]; then
    echo "$(date +%T) plateau: the highest cov has not risen for ${flat} CPU minutes of the first fuzzer; stopping all" >> "$out"
    kill -INT "${pids[@]}" 2>/dev/null; break
  fi
done
