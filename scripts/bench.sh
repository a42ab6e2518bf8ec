#!/usr/bin/env bash
# Benchmarks (not tests): builds lib and bench, then runs one of them.
#   scripts/bench.sh batchnorm [rounds]   our BN vs a copy vs DL4J's BN layer (issue 4 targets)
#   scripts/bench.sh training [rounds] [steps]   scratch LeNet-BN vs DL4J LeNet-BN on the same batches (issue 5 targets)
#   scripts/bench.sh dl4j [warmup] [rounds] [steps] [epochs] [all|tuned]   DL4J LeNet-BN examples/s by setting
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
which="${1:-batchnorm}"; shift || true
case "$which" in
  batchnorm) main=bnlab.bench.BatchNormBench ;;
  dl4j) main=bnlab.bench.Dl4jLeNetSpeed ;;
  training) main=bnlab.bench.TrainingBench ;;
  *) echo "bench: unknown benchmark '$which' (known: batchnorm, training, dl4j)" >&2; exit 2 ;;
esac
mvn -B -q -ntp package -DskipTests
exec java -Xmx3g --add-modules=jdk.incubator.vector -cp "bench/target/bnlab-bench.jar:lib/target/bnlab-lib.jar:lib/target/deps/*" "$main" "$@"
