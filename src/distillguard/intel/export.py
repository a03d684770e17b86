"""Export a detected campaign as a STIX 2.1 bundle that is safe to share.

Inputs are what a scan produces (account verdicts) and the events it read. Out
goes: the provider's identity, the campaign, ATLAS attack-patterns, indicators
(keyed hashes of identifiers, MinHash signatures of prompt patterns), sightings
and relationships, all under a TLP marking and `created_by_ref` the provider.

Nothing raw leaves: identifiers are HMACs under the consortium key, prompts are
keyed MinHash values, and the local campaign id is replaced by a keyed hash.
Identifiers and signatures that the provider's own *unflagged* accounts also
use are dropped before export, so peers are not sent indicators that would
match ordinary customers.
"""

from __future__ import annotations

import gzip
import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Callable, Iterable, Iterator

from distillguard.events.model import ApiEvent, EventError, parse_event
from distillguard.intel.keys import Keyring, event_identifiers
from distillguard.intel.signatures import SignatureHasher, SignatureIndex, campaign_signatures, shingles
from distillguard.progress import stream_position

NAMESPACE = uuid.UUID("6f1d2c1e-8a59-4c5e-9d0a-3f5b3c2b7d11")
# ATLAS techniques every extraction campaign maps to, plus any named by findings.
DEFAULT_ATLAS = {
    "AML.T0024.002": "Exfiltration via AI Inference API: Extract AI Model",
    "AML.T0040": "AI Model Inference API Access",
}
TLP = {"white": "TLP_WHITE", "clear": "TLP_WHITE", "green": "TLP_GREEN", "amber": "TLP_AMBER", "red": "TLP_RED"}
# An identifier is "common" (not exported) when ordinary customers use it at least as much as the
# campaign does: one customer suffices for these broad kinds, two for IPs and payment fingerprints.
BROAD_KINDS = {"ip_prefix", "email_domain", "user_agent"}
# Mailbox providers used by millions: never evidence of anything, whatever the exporter's sample says.
FREEMAIL = {
    "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "msn.com", "yahoo.com", "ymail.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
    "mail.ru", "yandex.ru", "yandex.com", "qq.com", "163.com", "126.com", "naver.com", "zoho.com", "fastmail.com",
}
IDENTIFIER_PATTERN = (
    "[x-distillguard-identifier:kind = '{kind}' AND x-distillguard-identifier:kid = '{kid}'"
    " AND x-distillguard-identifier:hmac = '{hmac}']"
)
SIGNATURE_PATTERN_TYPE = "x-distillguard-minhash"


class ExportError(ValueError):
    """Bad export input; the message names file, field and reason."""


def identity_id(provider_name: str) -> str:
    """A provider's stable STIX identity id, derived from its name so hub configs can list it."""
    return f"identity--{uuid.uuid5(NAMESPACE, provider_name)}"


def read_jsonl(path: Path, progress: Callable[[int, int], None] | None = None) -> Iterator[tuple[int, dict]]:
    """(line number, record) of a JSONL file; `progress(bytes read, file size)` every 2,000 lines."""
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        handle = opener(path, "rt", encoding="utf-8")
    except FileNotFoundError:
        raise ExportError(f"{path}: no such file") from None
    size = path.stat().st_size if progress is not None else 0
    with handle:
        for lineno, line in enumerate(handle, 1):
            if progress is not None and lineno % 2000 == 0:
                progress(min(stream_position(handle), size), size)
            if not line.strip():
                continue
            try:
                yield lineno, json.loads(line)
            except json.JSONDecodeError as exc:
                raise ExportError(f"{path}:{lineno}: not JSON ({exc.msg})") from None
    if progress is not None:
        progress(size, size)


def read_events(path: Path, progress: Callable[[int, int], None] | None = None) -> Iterator[ApiEvent]:
    for lineno, obj in read_jsonl(path, progress):
        try:
            yield parse_event(obj)
        except EventError as exc:
            raise ExportError(f"{path}:{lineno}: {exc.field}: {exc.reason}") from None


@dataclass
class CampaignData:
    """What the events say about one campaign's accounts (stays local)."""

    campaign_id: str
    accounts: set[str]
    atlas: set[str] = field(default_factory=set)
    tokens: Counter = field(default_factory=Counter)  # (kind, value) -> requests
    token_accounts: dict = field(default_factory=dict)  # (kind, value) -> campaign accounts using it
    first: datetime | None = None
    last: datetime | None = None
    requests: int = 0
    prompts: list[str] = field(default_factory=list)


def _relationship(stix2, source: str, kind: str, target: str, common: dict):
    rid = f"relationship--{uuid.uuid5(NAMESPACE, f'{source} {kind} {target}')}"
    return stix2.Relationship(id=rid, source_ref=source, relationship_type=kind, target_ref=target, **common)


def load_campaigns(verdicts: Path, campaign_ids: list[str] | None) -> tuple[dict[str, CampaignData], set[str]]:
    """Campaigns to export (flagged accounts grouped by campaign), and the accounts that are not
    ordinary customers: every flagged account, plus unflagged accounts linked into an exported
    campaign (undetected sybils must not make the campaign's own identifiers look common)."""
    campaigns: dict[str, CampaignData] = {}
    flagged: set[str] = set()
    unflagged_linked: dict[str, set[str]] = {}
    for lineno, v in read_jsonl(verdicts):
        if not isinstance(v, dict) or not isinstance(v.get("account_id"), str):
            raise ExportError(f"{verdicts}:{lineno}: account_id: missing or not a string")
        if not isinstance(v.get("flagged"), bool):
            raise ExportError(f"{verdicts}:{lineno}: flagged: missing or not a boolean")
        if not v["flagged"]:
            if isinstance(v.get("campaign_id"), str):
                unflagged_linked.setdefault(v["campaign_id"], set()).add(v["account_id"])
            continue
        flagged.add(v["account_id"])
        cid = v.get("campaign_id") or f"account:{v['account_id']}"
        if campaign_ids and cid not in campaign_ids:
            continue
        camp = campaigns.setdefault(cid, CampaignData(cid, set()))
        camp.accounts.add(v["account_id"])
        for f in v.get("findings") or ():
            if isinstance(f, dict) and isinstance(f.get("atlas"), str):
                camp.atlas.add(f["atlas"])
    if campaign_ids:
        missing = [c for c in campaign_ids if c not in campaigns]
        if missing:
            raise ExportError(f"{verdicts}: campaign_id: no flagged account has campaign {missing[0]!r}")
    elif not campaigns:
        raise ExportError(f"{verdicts}: flagged: no flagged accounts, nothing to export")
    not_customers = set(flagged)
    for cid in campaigns:
        not_customers |= unflagged_linked.get(cid, set())
    return campaigns, not_customers


def build_bundle(
    campaigns: dict[str, CampaignData],
    not_customers: set[str],
    events: Iterable[ApiEvent],
    keyring: Keyring,
    provider_name: str,
    tlp: str = "amber",
    valid_days: int = 30,
    max_prompts_per_campaign: int = 5000,
    max_benign_prompts: int = 20000,
    now: datetime | None = None,
) -> tuple[dict, dict]:
    """The STIX bundle (as a dict) for these campaigns, and counts of what was kept and dropped.

    `not_customers`: accounts (flagged or linked to a campaign) whose use of an identifier or
    prompt does not make it "common"; every other account counts as an ordinary customer.
    """
    import stix2

    for camp in campaigns.values():  # what the events say is recomputed on every export
        camp.tokens, camp.token_accounts, camp.prompts = Counter(), {}, []
        camp.requests, camp.first, camp.last = 0, None, None
    by_account = {a: c for c in campaigns.values() for a in c.accounts}
    benign_tokens: dict[tuple[str, str], set[str]] = defaultdict(set)
    benign_prompts: list[str] = []
    for ev in events:
        camp = by_account.get(ev.account_id)
        if camp is not None:
            camp.requests += 1
            camp.first = ev.ts if camp.first is None or ev.ts < camp.first else camp.first
            camp.last = ev.ts if camp.last is None or ev.ts > camp.last else camp.last
            for tok in event_identifiers(ev):
                camp.tokens[tok] += 1
                camp.token_accounts.setdefault(tok, set()).add(ev.account_id)
            if len(camp.prompts) < max_prompts_per_campaign:
                text = ev.prompt_text
                if text:
                    camp.prompts.append(text)
        elif ev.account_id not in not_customers:
            for tok in event_identifiers(ev):
                benign_tokens[tok].add(ev.account_id)
            if len(benign_prompts) < max_benign_prompts:
                text = ev.prompt_text
                if text:
                    benign_prompts.append(text)

    now = now or datetime.now(timezone.utc)
    kid = keyring.current
    hasher = SignatureHasher(keyring.key(kid), kid)
    marking = getattr(stix2, TLP[tlp.lower()])
    identity = stix2.Identity(
        id=identity_id(provider_name), name=provider_name, identity_class="organization", created=now, modified=now,
        object_marking_refs=[marking.id],
    )
    common = dict(created_by_ref=identity.id, object_marking_refs=[marking.id], created=now, modified=now)
    objects: list = [identity]
    patterns: dict[str, object] = {}
    for technique in sorted(set(DEFAULT_ATLAS) | {t for c in campaigns.values() for t in c.atlas}):
        patterns[technique] = stix2.AttackPattern(
            id=f"attack-pattern--{uuid.uuid5(NAMESPACE, technique)}",
            name=DEFAULT_ATLAS.get(technique, technique),
            external_references=[
                {"source_name": "mitre-atlas", "external_id": technique, "url": f"https://atlas.mitre.org/techniques/{technique}"}
            ],
            **common,
        )
    objects += patterns.values()
    valid_until = now + timedelta(days=valid_days)
    stats = {"campaigns": 0, "identifiers": 0, "dropped_common_identifiers": 0, "signatures": 0, "dropped_common_signatures": 0}
    for camp in campaigns.values():
        if not camp.requests:
            continue
        stats["campaigns"] += 1
        tag = keyring.hmac_hex("campaign", f"{provider_name}\x00{camp.campaign_id}")[:16]
        # Stable ids: re-exporting a campaign as it grows publishes new versions of the same objects.
        campaign = stix2.Campaign(
            id=f"campaign--{uuid.uuid5(NAMESPACE, provider_name + tag)}",
            name=f"distillguard extraction campaign {tag}",
            description=f"Model-extraction campaign over {len(camp.accounts)} accounts and {camp.requests} requests.",
            objective="Extract model capabilities through the inference API (distillation).",
            first_seen=camp.first,
            last_seen=camp.last,
            **common,
        )
        objects.append(campaign)
        for technique in sorted(set(DEFAULT_ATLAS) | camp.atlas):
            objects.append(_relationship(stix2, campaign.id, "uses", patterns[technique].id, common))
        indicators: list[tuple[object, int]] = []
        for (kind, value), count in sorted(camp.tokens.items()):
            if kind == "email_domain" and value in FREEMAIL:
                stats["dropped_common_identifiers"] += 1
                continue
            users = len(benign_tokens.get((kind, value), ()))
            if users >= (1 if kind in BROAD_KINDS else 2) and users >= len(camp.token_accounts[(kind, value)]):
                stats["dropped_common_identifiers"] += 1
                continue
            pattern = IDENTIFIER_PATTERN.format(kind=kind, kid=keyring.identifier_kid, hmac=keyring.identifier_hex(kind, value))
            indicator = stix2.Indicator(
                id=f"indicator--{uuid.uuid5(NAMESPACE, provider_name + pattern)}",
                name=f"distillguard keyed hash of {kind.replace('_', ' ')}",
                indicator_types=["malicious-activity"],
                pattern_type="stix",
                pattern=pattern,
                valid_from=now,
                valid_until=valid_until,
                **common,
            )
            indicators.append((indicator, count))
            stats["identifiers"] += 1
        sigs = campaign_signatures(camp.prompts, hasher)
        # Drop signatures that this provider's own ordinary customers' prompts match.
        index = SignatureIndex(hasher)
        for i, sig in enumerate(sigs):
            index.add(sig, i)
        common_sigs: set[int] = set()
        if sigs:
            for text in benign_prompts:
                sh = shingles(text)
                if sh:
                    common_sigs.update(index.match(hasher.minhash(sh), len(sh)))
        sig_counts = Counter()
        for text in camp.prompts:
            sh = shingles(text)
            if sh:
                sig_counts.update(index.match(hasher.minhash(sh), len(sh)))
        for i, sig in enumerate(sigs):
            if i in common_sigs:
                stats["dropped_common_signatures"] += 1
                continue
            indicator = stix2.Indicator(
                id=f"indicator--{uuid.uuid5(NAMESPACE, provider_name + sig.to_pattern())}",
                name=f"distillguard prompt {sig.kind} signature",
                indicator_types=["malicious-activity"],
                pattern_type=SIGNATURE_PATTERN_TYPE,
                pattern=sig.to_pattern(),
                valid_from=now,
                valid_until=valid_until,
                **common,
            )
            indicators.append((indicator, max(1, sig_counts.get(i, 0))))
            stats["signatures"] += 1
        for indicator, count in indicators:
            objects.append(indicator)
            objects.append(_relationship(stix2, indicator.id, "indicates", campaign.id, common))
            objects.append(
                stix2.Sighting(
                    sighting_of_ref=indicator.id,
                    where_sighted_refs=[identity.id],
                    count=min(count, 999_999_999),
                    first_seen=camp.first,
                    last_seen=camp.last,
                    **common,
                )
            )
    if not stats["campaigns"]:
        raise ExportError("events: account_id: no event belongs to an account of the selected campaigns")
    bundle = stix2.Bundle(objects=objects, allow_custom=True)
    return json.loads(bundle.serialize()), stats


def export_bundle(
    verdicts: Path,
    events_path: Path,
    keyring: Keyring,
    provider_name: str,
    campaign_ids: list[str] | None = None,
    tlp: str = "amber",
    progress: Callable[[int, int], None] | None = None,
) -> tuple[dict, dict]:
    if tlp.lower() not in TLP:
        raise ExportError(f"--tlp: {tlp!r} is not one of {', '.join(TLP)}")
    campaigns, not_customers = load_campaigns(verdicts, campaign_ids)
    return build_bundle(campaigns, not_customers, list(read_events(events_path, progress)), keyring, provider_name, tlp=tlp)
