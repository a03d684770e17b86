"""A deliberately naive keyword/volume heuristic that writes verdicts, to exercise the scorer end to end.

python -m blindgen.baseline --events DIR/events.jsonl --out V.jsonl
It is NOT a detector worth benchmarking; it only shows what a shallow rule gets on this traffic.
"""
import argparse
import collections
import json
import re

KW = re.compile(r"generate \d+|instruction-response|training data|### Instruction|harder variants|system prompt|"
                r"full reasoning|<thinking>|step by step|生成\d+条|思考过程|top_logprobs|what model are you", re.I)


def main(argv=None):
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--threshold", type=float, default=0.5)
    a = ap.parse_args(argv)
    n = collections.Counter(); hit = collections.Counter(); first = {}
    events = []
    with open(a.events, encoding="utf-8") as f:
        for line in f:
            e = json.loads(line)
            events.append((e["ts"], e["account_id"], e["request_id"], bool(KW.search(json.dumps(e["request"], ensure_ascii=False)))))
    events.sort()
    for ts, acc, rid, h in events:
        n[acc] += 1; hit[acc] += h
        r = hit[acc] / n[acc]
        if acc not in first and n[acc] >= 20 and r >= a.threshold:
            first[acc] = (rid, ts, n[acc] - 1)
    with open(a.out, "w") as f:
        for acc in n:
            r = hit[acc] / n[acc]
            fl = acc in first
            f.write(json.dumps({"account_id": acc, "risk": round(r, 6), "flagged": fl, "campaign_id": None,
                                "first_flag_request_id": first[acc][0] if fl else None, "first_flag_ts": first[acc][1] if fl else None,
                                "requests_before_flag": first[acc][2] if fl else None, "findings": []}) + "\n")


if __name__ == "__main__":
    main()
