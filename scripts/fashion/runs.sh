#!/usr/bin/env bash
# The Fashion-MNIST runs behind the README's table and docs/recipe.md, one after the other (each
# takes both cores: ~30 min for a 15-epoch tapegrad run on a 2-vCPU machine, ~20 min for PyTorch,
# ~40 min for the four heads of examples/gap-vs-fc.ts at 5 epochs each).
#   scripts/fashion/runs.sh OUT_DIR [NAME ...]     (default: every run, in the order below)
# A run whose OUT_DIR/NAME.done exists is skipped; an interrupted tapegrad run continues from its
# checkpoint (--resume). Logs: OUT_DIR/NAME.log (tapegrad's metrics also in OUT_DIR/NAME/).
# Needs: apt-get install dataset-fashion-mnist; the PyTorch rows need /usr/bin/python3 with torch.
# Two lanes at once on a 2-core machine: TAPEGRAD_THREADS=1 TORCH_THREADS=1 in each (PyTorch's
# OpenMP threads must not outnumber the free cores: it slows down several-fold when they do).
set -euo pipefail
out=${1:?usage: scripts/fashion/runs.sh OUT_DIR [NAME ...]}
shift
mkdir -p "$out"
out=$(cd "$out" && pwd)
cd "$(dirname "$0")/../.."
RUNS=(
  # name        kind  arguments
  "tg-s0        tg    --seed 0"
  "tg-s1        tg    --seed 1"
  "tg-s2        tg    --seed 2"
  "pt-s0        pt    --epochs 15 --seed 0"
  "pt-s1        pt    --epochs 15 --seed 1"
  "pt-s2        pt    --epochs 15 --seed 2"
  "tg-aug-s0    tg    --seed 0 --augment flip,crop4"
  "tg-aug-s1    tg    --seed 1 --augment flip,crop4"
  "tg-aug-s2    tg    --seed 2 --augment flip,crop4"
  "pt-aug-s0    pt    --epochs 15 --seed 0 --augment flip,crop4"
  "pt-aug-s1    pt    --epochs 15 --seed 1 --augment flip,crop4"
  "pt-aug-s2    pt    --epochs 15 --seed 2 --augment flip,crop4"
  "tg-own-s0    tg    --seed 0 --dropout 0 --augment flip,crop2 --epochs 30"
  "pt-own-s0    pt    --epochs 30 --seed 0 --dropout 0 --augment flip,crop2"
  "tg-f2-s0     tg    --seed 0 --dropout 0 --augment flip --weight-decay 2e-4 --epochs 30"
  "pt-f2-s0     pt    --epochs 30 --seed 0 --dropout 0 --augment flip --weight-decay 2e-4"
  "tg-f2-s1     tg    --seed 1 --dropout 0 --augment flip --weight-decay 2e-4 --epochs 30"
  "tg-f2-s2     tg    --seed 2 --dropout 0 --augment flip --weight-decay 2e-4 --epochs 30"
  "pt-f2-s1     pt    --epochs 30 --seed 1 --dropout 0 --augment flip --weight-decay 2e-4"
  "pt-f2-s2     pt    --epochs 30 --seed 2 --dropout 0 --augment flip --weight-decay 2e-4"
  "sq-s0        tg    --seed 0 --model squeezenet --optimizer adamw"
  "pt-sq-s0     pt    --epochs 15 --seed 0 --model squeezenet --optimizer adamw"
  "gvf-s0       gvf   --seed 0 --epochs 5"
)
want=" $* "
for line in "${RUNS[@]}"; do
  read -r name kind args <<< "$line"
  [[ $# -gt 0 && "$want" != *" $name "* ]] && continue
  [[ -f "$out/$name.done" ]] && continue
  echo "$(date -u +%FT%TZ) start $name"
  if [[ $kind == tg ]]; then
    if [[ -f "$out/$name/checkpoint.safetensors" ]]; then
      # shellcheck disable=SC2086
      node_modules/.bin/tapegrad train --out "$out/$name" --resume --progress lines >> "$out/$name.log" 2>&1
    else
      # shellcheck disable=SC2086
      node_modules/.bin/tapegrad train --dataset fashion-mnist --out "$out/$name" --progress lines $args > "$out/$name.log" 2>&1
    fi
  elif [[ $kind == gvf ]]; then
    # examples/gap-vs-fc.ts: the four heads, one after the other (results.md and curves in OUT_DIR/NAME)
    # shellcheck disable=SC2086
    npx -y pnpm@10.34.8 --filter examples run gap-vs-fc -- --dataset fashion-mnist --out "$out/$name" $args > "$out/$name.log" 2>&1
  else
    # shellcheck disable=SC2086
    /usr/bin/python3 scripts/fashion/torch_recipe.py --threads "${TORCH_THREADS:-2}" $args > "$out/$name.log" 2>&1
  fi
  touch "$out/$name.done"
  echo "$(date -u +%FT%TZ) done $name: $(tail -1 "$out/$name.log")"
done
