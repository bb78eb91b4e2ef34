#!/bin/bash
# covwatch.sh LOG OUT PID FLATMIN (fuzz/README.md, thirteenth campaign) — every 30 s append "HH:MM:SS wall_min cpu_min cov ft execs flat_cpu_min" from LOG to OUT;
# "flat" is measured in the fuzzer's own CPU time (utime+stime from /proc), so pausing it (kill -STOP) for a benchmark
# does not count as flat time. Stops the fuzzer (SIGINT) when cov has not changed for FLATMIN CPU minutes.
log=$1 out=$2 pid=$3 flat=${4:-10}
tck=$(getconf CLK_TCK)
cpu() { awk -v t=$tck '{print int(($14+$15)/t)}' /proc/$pid/stat; }
start=$(date +%s); last=""; since=$(cpu)
while kill -0 "$pid" 2>/dev/null; do
  sleep 30
  line=$(grep -a -E '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -n 's/.*cov: \([0-9]*\).*/\1/p' <<<"$line")
  ft=$(sed -n 's/.*ft: \([0-9]*\).*/\1/p' <<<"$line")
  ex=$(sed -n 's/^#\([0-9]*\).*/\1/p' <<<"$line")
  c=$(cpu) || break
  now=$(date +%s)
  if [ "$cov" != "$last" ]; then last=$cov; since=$c; fi
  echo "$(date +%T) wall=$(( (now-start)/60 )) cpu=$(( c/60 )) cov=$cov ft=$ft execs=$ex flatcpu=$(( (c-since) ))s" >> "$out"
  if [ $(( c - since )) -ge $(( flat*60 )) ]; then echo "$(date +%T) plateau: flat ${flat} CPU minutes, stopping" >> "$out"; kill -INT "$pid"; break; fi
done
