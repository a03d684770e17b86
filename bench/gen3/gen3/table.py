"""Print the per-persona markdown table for a generated folder: python -m gen3.table DIR"""
import json
import sys
from collections import Counter, defaultdict


def table(d: str) -> str:
    lab = {}
    with open(f"{d}/labels.jsonl", encoding="utf-8") as f:
        for line in f:
            x = json.loads(line)
            lab[x["account_id"]] = x
    ev = Counter()
    with open(f"{d}/events.jsonl", encoding="utf-8") as f:
        for line in f:
            i = line.index('"account_id":"') + 14
            ev[line[i:line.index('"', i)]] += 1
    acc, evs, camps = Counter(), Counter(), defaultdict(set)
    for a, x in lab.items():
        k = (x["label"], x["persona"])
        acc[k] += 1
        evs[k] += ev[a]
        if x["campaign_id"]:
            camps[k].add(x["campaign_id"])
    rows = ["| label | persona | accounts | events | campaigns |", "|---|---|---:|---:|---:|"]
    for k in sorted(acc, key=lambda k: (k[0] != "legit", k[1])):
        rows.append(f"| {k[0]} | {k[1]} | {acc[k]} | {evs[k]} | {len(camps[k]) or ''} |")
    n_att = sum(v for k, v in acc.items() if k[0] == "attack")
    rows.append(f"| **total** | attack share {n_att / max(1, len(lab)):.1%} | **{len(lab)}** | **{sum(ev.values())}** | "
                f"{sum(len(v) for v in camps.values())} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(table(sys.argv[1]))
