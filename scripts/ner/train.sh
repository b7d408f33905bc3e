#!/usr/bin/env bash
# Reproduce models/de_presse from scratch: data -> spacy train -> rules -> package.
#   bash scripts/ner/train.sh [MAX_STEPS] [ROUNDS]
# Self-training: a first model (the teacher, trained on the annotated corpora) labels
# 474,000 words of German web pages; the shipped model is trained again from scratch on
# the annotated corpora plus those pages. ROUNDS > 1 repeats that with the newest model as
# the teacher (docs/evaluation.md, runs 32-39: one round is what is shipped).
# About 35 minutes on this 2-core machine (two trainings of 4,000 steps).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
STEPS=${1:-4000}
ROUNDS=${2:-1}

train() {  # train DATA_DIR OUTPUT_DIR
    $PY -m spacy train scripts/ner/config.cfg --code scripts/ner/code.py \
        --paths.train "$1/train.spacy" --paths.dev "$1/dev.spacy" --paths.vectors training/vectors \
        --vars.max_steps "$STEPS" --output "$2"
}

$PY scripts/ner/build_vectors.py --out training/vectors
$PY scripts/ner/prepare_data.py --out training/ner
train training/ner training/ner/model
$PY scripts/ner/assemble.py training/ner/model/model-best training/ner/teacher0
# unlabelled text: the pages' main text (records overlapping GermEval test are dropped there)
$PY scripts/ner/build_pretrain_text.py --out training/pretrain
for round in $(seq 1 "$ROUNDS"); do
    $PY scripts/ner/pseudo_label.py "training/ner/teacher$((round - 1))" --texts training/pretrain/trafilatura_de.jsonl \
        --out "training/pseudo/pages$round.spacy"
    $PY scripts/ner/prepare_data.py --out "training/ner_self$round" --pseudo "training/pseudo/pages$round.spacy"
    train "training/ner_self$round" "training/ner_self$round/model"
    $PY scripts/ner/assemble.py "training/ner_self$round/model/model-best" "training/ner/teacher$round"
done
$PY scripts/ner/assemble.py "training/ner_self$ROUNDS/model/model-best" models/de_presse   # keeps the model card
$PY scripts/ner/eval_germeval.py models/de_presse
$PY scripts/ner/eval_dev.py models/de_presse
$PY -m presse_mining evaluate --gold ../shared/gold/seeds.json
