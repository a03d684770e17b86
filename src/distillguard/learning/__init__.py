"""Learn from analysts: their block/allow decisions become labels for a model on verdict features.

The rules stay the prior. The model starts from the rule-based risk (as the boosting's initial
prediction) and only learns corrections to it; how far it may move an account grows with the
number of labels, so a handful of decisions cannot undo strong rule evidence. Output is
calibrated on out-of-fold predictions and each account carries the features that moved it.

    decisions.py  analyst decisions -> labels (dashboard/gateway audit, labels JSONL)
    features.py   verdict -> feature vector (detector scores, account statistics; missing = 0)
    model.py      training, calibration, explanation, save/load
    cli.py        `distillguard learn train|report|apply`
"""
