#!/usr/bin/env bash
# Reproduce models/de_presse from scratch: data -> spacy train -> rules -> package.
#   bash scripts/ner/train.sh [MAX_STEPS]
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
STEPS=${1:-4000}
$PY scripts/ner/prepare_data.py --out training/ner
$PY scripts/ner/build_vectors.py --out training/vectors
$PY -m spacy train scripts/ner/config.cfg --code scripts/ner/code.py \
    --paths.train training/ner/train.spacy --paths.dev training/ner/dev.spacy --paths.vectors training/vectors \
    --vars.max_steps "$STEPS" --output training/ner/model
$PY scripts/ner/assemble.py training/ner/model/model-best models/de_presse
$PY scripts/ner/eval_germeval.py models/de_presse
$PY -m presse_mining evaluate --gold ../shared/gold/seeds.json
