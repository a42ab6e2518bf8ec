#!/usr/bin/env bash
# Benchmarks (not tests): builds lib and bench, then runs one of them. BNLAB_BENCH_JVM_OPTS adds
# options to the benchmarked JVMs (for instance -XX:UseAVX=2).
#   scripts/bench.sh batchnorm [rounds]   our BN vs a copy vs ND4J's ops and DL4J's BN layer (targets: forward <= 3x a copy, forward+backward <= 6x),
#                                         and vs PyTorch's BN, alternating rounds, if BNLAB_TORCH_PYTHON is set
#   scripts/bench.sh training [rounds] [steps]   scratch LeNet-BN vs DL4J LeNet-BN on the same batches (targets: ours >= 3 000 examples/s, faster than DL4J)
#   scripts/bench.sh dl4j [warmup] [rounds] [steps] [epochs] [all|tuned]   DL4J LeNet-BN examples/s by setting
#   scripts/bench.sh dl4j-profile [steps]   forward/backward ms of each layer of DL4J's LeNet-BN step
#   scripts/bench.sh torch [rounds] [steps] [warm-up blocks]   ours vs PyTorch LeNet-BN, alternating blocks (needs BNLAB_TORCH_PYTHON)
#   scripts/bench.sh profile [rounds] [steps]   per-layer fwd/bwd ms, ours next to PyTorch (needs BNLAB_TORCH_PYTHON)
#   scripts/bench.sh cpu-profile [rounds] [steps]   as profile, but one thread each and CPU time instead of wall
#                                         time (steady on a busy machine); ours alone without BNLAB_TORCH_PYTHON
#   scripts/bench.sh plain [rounds] [steps]   the engine with the Vector API vs on plain loops (a JVM without
#                                         --add-modules jdk.incubator.vector), alternating JVMs
#   scripts/bench.sh builds [dl4j|training] [pairs]   generic ND4J build vs the one chosen for this CPU
#   scripts/bench.sh soak [epochs] [scratch|dl4j|both]   RSS after each epoch of full training (targets: flat after epoch 3, peak below 2 / 3 GiB)
set -euo pipefail
cd "$(dirname "$0")/.."
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
which="${1:-batchnorm}"; shift || true
# The version PyTorch's side was measured with; the benchmark runs with any.
torch_version=2.15.0

case "$which" in
  batchnorm) main=bnlab.bench.BatchNormBench ;;
  dl4j) main=bnlab.bench.Dl4jLeNetSpeed ;;
  dl4j-profile) main=bnlab.bench.Dl4jLayerProfile ;;
  training) main=bnlab.bench.TrainingBench ;;
  cpu-profile) main=bnlab.bench.LayerProfile ;;
  plain) main=bnlab.bench.PlainBench ;;
  builds) main=bnlab.bench.BuildBench ;;
  torch|profile|soak) main= ;;
  *) echo "bench: unknown benchmark '$which' (known: batchnorm, training, dl4j, dl4j-profile, torch, profile, cpu-profile, plain, builds, soak)" >&2; exit 2 ;;
esac

if [ "$which" = cpu-profile ] && [ -n "${BNLAB_TORCH_PYTHON:-}" ]; then which=cpu-profile-torch; fi
if [ "$which" = torch ] || [ "$which" = profile ] || [ "$which" = cpu-profile-torch ]; then
  if [ -z "${BNLAB_TORCH_PYTHON:-}" ] || ! "$BNLAB_TORCH_PYTHON" -c 'import torch, numpy' 2>/dev/null; then
    echo "bench $which: needs PyTorch, which is not a project dependency. Make a throwaway virtualenv" \
         "outside the project and name its python in BNLAB_TORCH_PYTHON, e.g.:" >&2
    echo "  python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==$torch_version numpy" >&2
    echo "  BNLAB_TORCH_PYTHON=/tmp/torchenv/bin/python scripts/bench.sh $which" >&2
    [ -n "${BNLAB_TORCH_PYTHON:-}" ] && echo "(BNLAB_TORCH_PYTHON=$BNLAB_TORCH_PYTHON cannot import torch and numpy)" >&2
    exit 2
  fi
fi

# batchnorm: PyTorch's BN joins in (a child process of the JVM) only when a torch python is named.
torch_args=()
if [ "$which" = batchnorm ] && [ -n "${BNLAB_TORCH_PYTHON:-}" ]; then
  if "$BNLAB_TORCH_PYTHON" -c 'import torch' 2>/dev/null; then
    torch_args=(--torch "$BNLAB_TORCH_PYTHON")
  else
    echo "bench batchnorm: BNLAB_TORCH_PYTHON=$BNLAB_TORCH_PYTHON cannot import torch; PyTorch's BN is left out" >&2
  fi
fi

mvn -B -q -ntp package -DskipTests
# The kernels' JVM options (pom.xml <bnlab.jvm.options>), so benches see the notebooks' memory settings.
read -r -a jvm_opts <<< "$(sed -n 's:.*<bnlab.jvm.options>\(.*\)</bnlab.jvm.options>.*:\1:p' pom.xml)"
[ ${#jvm_opts[@]} -gt 0 ] || { echo "bench: pom.xml has no <bnlab.jvm.options>" >&2; exit 2; }
# Extra JVM options for every Java contender, e.g. BNLAB_BENCH_JVM_OPTS=-XX:UseAVX=2 to measure
# 256-bit vectors on an AVX-512 machine.
read -r -a extra_opts <<< "${BNLAB_BENCH_JVM_OPTS:-}"
jvm_opts+=("${extra_opts[@]}")
java_cmd=(java "${jvm_opts[@]}" -cp "bench/target/bnlab-bench.jar:lib/target/bnlab-lib.jar:lib/target/deps/*")

case "$which" in
  torch|profile|cpu-profile-torch)
    mode=speed; [ "$which" != torch ] && mode=profile
    args=()
    [ "$which" = cpu-profile-torch ] && args+=(--cpu)
    [ $# -ge 1 ] && args+=(--rounds "$1")
    [ $# -ge 2 ] && args+=(--steps "$2")
    [ $# -ge 3 ] && [ "$which" = torch ] && args+=(--warmup "$3")
    exec "$BNLAB_TORCH_PYTHON" scripts/bench_torch.py "$mode" "${args[@]}" -- "${java_cmd[@]}" ;;
  soak)
    epochs="${1:-10}"; nets="${2:-both}"
    case "$nets" in
      both) nets="scratch dl4j" ;;
      scratch|dl4j) ;;
      *) echo "bench soak: network '$nets' is not scratch, dl4j or both" >&2; exit 2 ;;
    esac
    for net in $nets; do  # one JVM per network, as one kernel per notebook
      "${java_cmd[@]}" bnlab.bench.Soak "$net" "$epochs"
    done ;;
  cpu-profile)
    exec java "${jvm_opts[@]}" -Dbnlab.threads=1 -cp "${java_cmd[-1]}" "$main" "${2:-120}" --cpu ;;
  *)
    exec "${java_cmd[@]}" "$main" "$@" "${torch_args[@]}" ;;
esac
