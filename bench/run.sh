#!/usr/bin/env bash
# End-to-end benchmark of cachecheck on this machine. One command from a clean clone:
#
#   bash bench/run.sh                               # 1,000,000 keys, 287 tenants, default heap
#   bash bench/run.sh --keys 5000000 --xmx 256m     # 5M keys in a 256 MiB heap
#   bash bench/run.sh --tenants 10000
#   bash bench/run.sh --grace 0                     # race defence off (re-check immediately), to price it
#
# Options (default):
#   --keys N (1000000)  --tenants N (287)  --skew S (1.0, Zipf)  --drift F (0.001)  --value-bytes N (200)
#   --xmx SIZE (none: JVM default)  --grace MS (contract default 2000)  --parallelism N / --batch N / --scan-count N
#   --combine-min-tenants N (contract default 1000; 0 = always share lookups between small tenants)
#   --naive-sample N (50000; 0 = skip the naive run)  --redis-benchmark N (2000000 requests; 0 = skip)
#   --repeat N (1: the whole check N times in one JVM; the summary shows the last, warm run and the first, cold one)
#   --floor 0|1 (1: also time the floor, moving every byte with no validation: io.cachecheck.bench.Floor)
#   --skip-build  --skip-generate (reuse the data already in db 15 / schema cachecheck_bench)  --jfr FILE (profile)
#
# Data lives only in Redis db 15 and PostgreSQL schema cachecheck_bench (both are replaced by the generator).
# Needs: JDK 17, Maven, redis-benchmark, a local Redis on 6379 and PostgreSQL on 5432 (user postgres, db test).
set -euo pipefail
cd "$(dirname "$0")/.."

keys=1000000 tenants=287 skew=1.0 drift=0.001 value_bytes=200 xmx="" grace="" naive_sample=50000 rb_requests=2000000
build=1 generate=1 jfr="" floor=1 repeat=1 tuning=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --keys) keys=$2; shift 2 ;;
    --tenants) tenants=$2; shift 2 ;;
    --skew) skew=$2; shift 2 ;;
    --drift) drift=$2; shift 2 ;;
    --value-bytes) value_bytes=$2; shift 2 ;;
    --xmx) xmx=$2; shift 2 ;;
    --grace) grace=$2; shift 2 ;;
    --parallelism) tuning+=(--parallelism "$2"); shift 2 ;;
    --batch) tuning+=(--batchSize "$2"); shift 2 ;;
    --scan-count) tuning+=(--scanCount "$2"); shift 2 ;;
    --combine-min-tenants) tuning+=(--combineMinTenants "$2"); shift 2 ;;
    --naive-sample) naive_sample=$2; shift 2 ;;
    --redis-benchmark) rb_requests=$2; shift 2 ;;
    --floor) floor=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    --skip-build) build=0; shift ;;
    --skip-generate) generate=0; shift ;;
    --jfr) jfr=$2; shift 2 ;;
    -h|--help) sed -n '2,19p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see bash bench/run.sh --help)" >&2; exit 2 ;;
  esac
done

# Outside Lambda, Powertools metrics would look for a CloudWatch agent unless these are set.
export AWS_LAMBDA_FUNCTION_NAME=cachecheck-bench POWERTOOLS_SERVICE_NAME=cachecheck AWS_REGION=${AWS_REGION:-us-east-1}
jar=bench/target/benchmarks.jar
out=bench/target/run
mkdir -p "$out"

if [[ $build == 1 ]]; then
  echo "== build (mvn -Pbench -pl bench -am package -DskipTests)"
  mvn -B -q -Pbench -pl bench -am package -DskipTests
fi

if [[ $generate == 1 ]]; then
  echo "== generate keys=$keys tenants=$tenants skew=$skew drift=$drift valueBytes=$value_bytes"
  java -cp "$jar" io.cachecheck.bench.Generate --keys "$keys" --tenants "$tenants" --skew "$skew" --drift "$drift" \
    --valueBytes "$value_bytes" --out "$out" "${tuning[@]}"
fi

rb_rps=""
if [[ $rb_requests != 0 ]]; then
  echo "== redis-benchmark -t get -P 64 -d 200 -q -n $rb_requests --dbnum 15"
  rb_line=$(redis-benchmark -t get -P 64 -d 200 -q -n "$rb_requests" --dbnum 15 2>/dev/null | tr '\r' '\n' | grep 'requests per second' | tail -1)
  echo "$rb_line"
  rb_rps=$(sed -E 's/.*GET: ([0-9.]+) requests per second.*/\1/' <<<"$rb_line")
  # Without -r, redis-benchmark GETs one key ("key:__rand_int__") over and over: it stays in the CPU caches. The same
  # command over a 1M-key keyspace (-r, filled by its own SET pass in db 14, emptied afterwards) is what a full scan
  # can hope for. Both are printed; the issue's target is stated against the first.
  echo "== redis-benchmark -t set,get -P 64 -d 200 -q -n $rb_requests -r 1000000 --dbnum 14 (random keys; db 14 emptied after)"
  redis-cli -n 14 flushdb >/dev/null
  rb_rand_line=$(redis-benchmark -t set,get -P 64 -d 200 -q -n "$rb_requests" -r 1000000 --dbnum 14 2>/dev/null | tr '\r' '\n' | grep 'GET: .*requests per second' | tail -1)
  redis-cli -n 14 flushdb >/dev/null
  echo "$rb_rand_line"
  rb_rand_rps=$(sed -E 's/.*GET: ([0-9.]+) requests per second.*/\1/' <<<"$rb_rand_line")
fi

echo "== validator (ShardPlanner -> ShardValidator, in one JVM)"
jvm=()
[[ -n $xmx ]] && jvm+=("-Xmx$xmx")
[[ -n $jfr ]] && jvm+=("-XX:FlightRecorderOptions:stackdepth=256" "-XX:StartFlightRecording=filename=$jfr,settings=profile")
vargs=(--contract "$out/contract.yaml" --label "keys=$keys,tenants=$tenants,xmx=${xmx:-default}")
[[ -n $grace ]] && vargs+=(--graceMillis "$grace")
vargs+=(--repeat "$repeat")
vargs+=("${tuning[@]}")
# CPU seconds of the Redis and PostgreSQL servers (PostgreSQL backends are counted when the postmaster reaps them,
# so other clients' sessions that end meanwhile are counted too): the validator's share of the 2-core budget.
server_cpu() {
  local tick t p; tick=$(getconf CLK_TCK); t=0
  for p in $(pgrep -x "$1"); do t=$((t + $(awk '{print $14+$15+$16+$17}' "/proc/$p/stat" 2>/dev/null || echo 0))); done
  awk -v t="$t" -v k="$tick" 'BEGIN{printf "%.2f", t/k}'
}
redis_cpu0=$(server_cpu redis-server) pg_cpu0=$(server_cpu postgres)
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
/usr/bin/time -v -o "$out/time.txt" java "${jvm[@]}" -cp "$jar" io.cachecheck.bench.RunValidator "${vargs[@]}" | tee "$out/validator.txt"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
redis_cpu=$(awk -v a="$(server_cpu redis-server)" -v b="$redis_cpu0" 'BEGIN{printf "%.1f", a-b}')
pg_cpu=$(awk -v a="$(server_cpu postgres)" -v b="$pg_cpu0" 'BEGIN{printf "%.1f", a-b}')
v=$(grep '^validator' "$out/validator.txt" | tail -1)
field() { sed -E "s/.* $1=([^ ]*).*/\1/" <<<"$v"; }
kps=$(field keysPerSecond)
rss_kb=$(grep 'Maximum resident set size' "$out/time.txt" | grep -oE '[0-9]+')
cpu_s=$(awk -F': ' '/User time|System time/{s+=$2} END{printf "%.1f", s}' "$out/time.txt")
if [[ $repeat != 1 ]]; then
  cpu_s=$(awk -v m="$(field cpuMillis)" 'BEGIN{printf "%.1f", m/1000}')  # the last run's own CPU, not the whole JVM's
  cold=$(grep '^validator' "$out/validator.txt" | head -1)
fi

naive=""
if [[ $naive_sample != 0 ]]; then
  echo "== naive: SCAN, GET/HGETALL one by one (first $naive_sample keys, extrapolated), COPY both tables, compare"
  naive=$(java -cp "$jar" io.cachecheck.bench.NaiveCheck --sample "$naive_sample" | tee /dev/stderr | grep '^naive')
fi

floor_line=""
if [[ $floor == 1 ]]; then
  echo "== floor: SCAN + every value (2 reader connections) + COPY of both tables, no validation (io.cachecheck.bench.Floor)"
  fr0=$(server_cpu redis-server) fp0=$(server_cpu postgres)
  floor_line=$(java -cp "$jar" io.cachecheck.bench.Floor --source copy --readers 2 | tee /dev/stderr | grep '^floor')
  floor_redis=$(awk -v a="$(server_cpu redis-server)" -v b="$fr0" 'BEGIN{printf "%.1f", a-b}')
  floor_pg=$(awk -v a="$(server_cpu postgres)" -v b="$fp0" 'BEGIN{printf "%.1f", a-b}')
fi

echo
echo "== summary"
if [[ $repeat != 1 ]]; then
  cf() { sed -E "s/.* $1=([^ ]*).*/\1/" <<<"$cold"; }
  echo "run 1 of $repeat (cold JVM)  : $(cf keysPerSecond) keys/s, $(cf wallSeconds) s, JVM CPU $(awk -v m="$(cf cpuMillis)" 'BEGIN{printf "%.1f", m/1000}') s (JIT $(awk -v m="$(cf jitCpuMillis)" 'BEGIN{printf "%.1f", m/1000}') s)"
  echo "below: run $repeat of $repeat (warm JVM); server CPU and peak RSS cover all $repeat runs"
fi
echo "keys validated/s      : $kps"
echo "wall time (s)         : $(field wallSeconds)  (scan phase $(field scanMillis) ms, grace wait $(field recheckWaitMillis) ms)"
echo "JVM CPU (user+sys) s  : $cpu_s  (less sensitive to machine load than wall time)"
echo "JIT compiler CPU s    : $(awk -v m="$(field jitCpuMillis)" 'BEGIN{printf "%.1f", m/1000}')  (C1+C2 threads, included in the JVM CPU; a fixed cost per JVM)"
echo "server CPU s          : redis-server $redis_cpu, postgres $pg_cpu  (same run; 2 cores give 2 CPU-s per wall second)"
echo "verdict               : $(field verdicts)  stale=$(field stale) orphan=$(field orphan) inFlight=$(field inFlight)"
echo "peak RSS of the JVM   : $((rss_kb / 1024)) MiB (VmHWM $(( $(field peakRssKb) / 1024 )) MiB, heap max $(field heapMax))"
if [[ -n $rb_rps ]]; then
  echo "redis-benchmark GET/s : $rb_rps"
  echo "validator / redis-bm  : $(awk -v a="$kps" -v b="$rb_rps" 'BEGIN{printf "%.3f", a/b}')"
  if [[ -n ${rb_rand_rps:-} ]]; then
    echo "redis-bm, random keys : $rb_rand_rps GET/s (-r 1000000); validator / that: $(awk -v a="$kps" -v b="$rb_rand_rps" 'BEGIN{printf "%.3f", a/b}')"
  fi
fi
if [[ -n $floor_line ]]; then
  ff() { sed -E "s/.* $1=([^ ]*).*/\1/" <<<"$floor_line"; }
  echo "floor (no validation) : $(ff wallSeconds) s wall, $(awk -v k="$(ff keys)" -v w="$(ff wallSeconds)" 'BEGIN{printf "%.0f", k/w}') keys/s; CPU s: JVM $(ff jvmCpuSeconds), redis-server $floor_redis, postgres $floor_pg"
fi
if [[ -n $naive ]]; then
  nk=$(sed -E 's/.* extrapolatedKeysPerSecond=([^ ]*).*/\1/' <<<"$naive")
  ns=$(sed -E 's/.* extrapolatedSeconds=([^ ]*).*/\1/' <<<"$naive")
  echo "naive (extrapolated)  : $ns s, $nk keys/s  -> validator is $(awk -v a="$kps" -v b="$nk" 'BEGIN{printf "%.1f", a/b}')x faster"
fi
echo "load average          : before $load_before, after $load_after (2 cores; other jobs share this machine)"
