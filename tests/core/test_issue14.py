"""Issue 14: detection that holds on traffic it was not tuned on.

Each test names the defect it catches: good customers flagged through habits that add up in a
group, greedy evaluation runs and step-by-step chat read as reasoning harvests, flags inherited
through membership alone, keyword features that a wrapper or another language defeats, fixed
thresholds that ignore the population, and swarms that share no infrastructure.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import numpy as np

from distillguard.detectors.base import Finding
from distillguard.detectors.registry import REGISTRY
from distillguard.events.model import parse_event
from distillguard.features.account import AccountState
from distillguard.features.embedding import embed_text
from distillguard.features.text import prompt_features
from distillguard.scoring.calibration import PopulationReference, ScoreSketch, threshold_for_fpr
from distillguard.scoring.engine import Assessment, DetectionEngine
from tests.core.test_detectors import BASE

T0 = datetime(2026, 11, 2, tzinfo=timezone.utc)


def _state(account: str, prompts: list[str], **request) -> AccountState:
    state = AccountState(account)
    for i, prompt in enumerate(prompts):
        event = parse_event({"request_id": f"{account}-{i}", "ts": (T0 + timedelta(minutes=i)).isoformat(), "account_id": account,
                             "request": {"messages": [{"role": "user", "content": prompt}], **request}})
        state.update(event, prompt_features(prompt), False, prompt, embed_text(prompt))
    return state


def test_a_teams_static_ban_lists_are_not_a_logit_bias_sweep():
    """Defect: the merged state read the union of members' static lists as a sweep over thousands of ids."""
    detector = REGISTRY["logprob_extraction"]()
    team = AccountState("team", members=0)
    rng = np.random.default_rng(1)
    for member in range(12):
        bans = {str(int(t)): -100 for t in rng.integers(0, 100_000, 60)}
        prompts = [f"The {w}" for w in ("cat", "dog", "sun", "sea", "cat", "dog")] * 3
        team.merge(_state(f"dev{member}", prompts, max_tokens=512, logit_bias=bans))
    features = team.features()
    assert features["bias_key_sets"] == 1.0 and features["bias_distinct_tokens"] <= 64
    assert detector.score_account("team", features) is None
    sweep = _state("sweeper", ["The cat"] * 40, max_tokens=1, logprobs=True, top_logprobs=20)
    for i in range(40):  # the same prompt, a different bias each time: the Carlini-style sweep
        event = parse_event({"request_id": f"s-{i}", "ts": (T0 + timedelta(hours=1, minutes=i)).isoformat(), "account_id": "sweeper",
                             "request": {"messages": [{"role": "user", "content": "The cat"}], "max_tokens": 1, "logprobs": True,
                                         "top_logprobs": 20, "logit_bias": {str(1000 + 10 * i + k): 100 for k in range(10)}}})
        sweep.update(event, prompt_features("The cat"), False, "The cat")
    hit = detector.score_account("sweeper", sweep.features())
    assert hit is not None and hit.score >= 0.6


def test_greedy_step_by_step_evaluation_is_not_reasoning_harvest():
    """Defect: researchers benchmarking once at temperature 0 with a step-by-step suffix tripped reasoning_coercion."""
    detector = REGISTRY["reasoning_coercion"]()
    evaluation = dict(BASE, requests=800.0, cot_rate=1.0, max_tokens_high_rate=1.0, completion_tokens_per_request=900.0,
                      temperature_zero_rate=1.0, mean_n=1.0)
    miss = detector.score_account("eval", evaluation)
    assert miss is None or miss.score < 0.2
    harvest = detector.score_account("harvest", dict(evaluation, temperature_zero_rate=0.0))
    assert harvest is not None and harvest.score >= 0.8


def test_a_casual_user_who_likes_step_by_step_is_not_a_harvest():
    """Defect: a handful of "explain step by step" chats was read as a reasoning-trace harvest."""
    detector = REGISTRY["reasoning_coercion"]()
    casual = dict(BASE, requests=8.0, cot_rate=0.75, completion_tokens_per_request=700.0)
    miss = detector.score_account("casual", casual)
    assert miss is None or miss.score < 0.3
    many = detector.score_account("harvest", dict(casual, requests=400.0, cot_rate=0.95, max_tokens_high_rate=1.0))
    assert many is not None and many.score >= 0.8


def test_membership_alone_never_flags_an_established_account():
    """Defect: good accounts in a linked group were flagged with no evidence of their own."""
    engine = DetectionEngine()
    engine.states["old"] = _state("old", [f"how do I cook rice number {i}" for i in range(30)])
    engine.states["new"] = _state("new", ["hello"])
    risky = Assessment(0.9, [], {"_attribution": {"old": 0.05}}, inheritable=True)
    heavy_use = Assessment(0.3, [Finding("usage_anomaly", 1.0)])
    assert not engine.inherits("old", heavy_use, risky)  # established, heavy use is no intent, unlike the group's content
    assert engine.inherits("old", Assessment(0.3, [Finding("instruction_harvest", 0.3)]), risky)
    assert engine.inherits("new", None, risky)  # a fresh sybil has no record: stopped on its first requests
    assert engine.inherits("old", None, Assessment(0.9, [], {"_attribution": {"old": 0.8}}, inheritable=True))
    without_collective_evidence = Assessment(0.9, [], {}, inheritable=False)
    assert not engine.inherits("new", None, without_collective_evidence)


def test_an_inherited_flag_expires_with_the_groups_evidence(small_sim):
    """Defect: sticky flags kept accounts flagged after the group evidence they rested on was gone."""
    from distillguard.events.readers import RejectSink, iter_events
    from distillguard.replay import OnlineScorer

    scorer = OnlineScorer()
    engine = scorer.engine
    real = engine.assess_campaign
    calls = {"n": 0}

    def evidence_then_none(members):
        calls["n"] += 1
        assessment = real(members)
        first = calls["n"] <= 3
        return Assessment(0.95 if first else 0.0, assessment.findings, assessment.features, inheritable=first)

    engine.assess_campaign = evidence_then_none
    for event in iter_events([small_sim / "events.jsonl"], RejectSink()):
        scorer.process(event)
    verdicts = scorer.verdicts()
    expired = [v for v in verdicts if v["expired_flag_request_id"]]
    assert expired and not any(v["flagged"] for v in expired)
    assert all(v["flag_basis"] in ("own", "campaign") for v in verdicts if v["flagged"])


def test_wrappers_and_language_do_not_move_a_prompt_far():
    """Defect: English keyword rules were the only content signal; a wrapper or Chinese slipped past."""
    task = embed_text("Write a short poem about the ocean at night.")
    wrapped = embed_text("hey, quick one: write a short poem about the ocean at night thanks!")
    unrelated = embed_text("My docker container exits with code 137, what does that mean?")
    assert task @ wrapped > 0.6 > 0.3 > task @ unrelated
    chinese = embed_text("请写一首关于夜晚大海的短诗")
    assert np.linalg.norm(chinese) > 0.99 and chinese @ embed_text("写一首关于夜晚海洋的短诗。") > 0.3


def test_a_finding_counts_by_how_far_it_rises_above_its_cohort():
    """Defect: a fixed scale judged every provider's customers alike (heavy SDK users all trip ceiling_outputs)."""
    reference = PopulationReference(quantile=0.9)
    for i in range(400):
        cohort = "tier-2|v<2000|sdk" if i < 200 else "free|v<20|browser"
        score = 0.6 if (cohort.startswith("tier-2") and i % 3 == 0) else 0.0
        reference.record(f"a{i}", cohort, {"ceiling_outputs": score}, score * 0.3, ["ceiling_outputs"])
    ordinary_heavy, _ = reference.calibrate("ceiling_outputs", "tier-2|v<2000|sdk", 0.6)
    unusual_casual, _ = reference.calibrate("ceiling_outputs", "free|v<20|browser", 0.6)
    assert ordinary_heavy < 0.25 < unusual_casual


def test_the_threshold_is_set_for_a_false_positive_rate():
    """Defect: a fixed 0.5 flagged 7% of a noisy population; the threshold must follow the population's bulk."""
    clean, noisy = ScoreSketch(), ScoreSketch()
    rng = np.random.default_rng(3)
    for value in rng.exponential(0.03, 3000):
        clean.add(min(value, 1.0))
    for value in rng.uniform(0.0, 0.45, 3000):
        noisy.add(value)
    for value in np.full(450, 0.97):  # a campaign of 13% of the accounts must not drag the threshold up
        clean.add(value)
    assert threshold_for_fpr(clean, 0.001, 0.5, 0.85, (0.5, 0.8)) == 0.5
    raised = threshold_for_fpr(noisy, 0.001, 0.5, 0.85, (0.5, 0.8))
    assert 0.6 < raised <= 0.85


def test_isolated_sybils_sweeping_one_task_space_are_one_campaign(tmp_path):
    """Defect: 500 sybils over their own IPs, browsers, time zones and cards were never linked (0% flagged)."""
    from distillguard.bench_metrics import evaluate, load_labels
    from distillguard.pipeline import scan
    from distillguard.simulate.hard_cases import HARD_PERSONAS
    from distillguard.simulate.simulator import CampaignSpec, SimConfig, simulate

    sweep = CampaignSpec("capability-sweep", sybils=40, requests_per_account=40, pacing="diurnal", cover_share=0.3, isolated=True,
                         aged=True, humanising=True, randomise_sampling=True)
    simulate(SimConfig(seed=9, legit_accounts=240, volume_scale=0.3, persona_mix=dict(HARD_PERSONAS), campaigns=[sweep]), tmp_path)
    labels = load_labels(tmp_path / "labels.jsonl")
    result = scan(tmp_path / "events.jsonl")
    verdicts = {v["account_id"]: v for v in result.verdicts}
    sybils = [a for a, label in labels.items() if label["label"] == "attack"]
    groups = {verdicts[a]["campaign_id"] for a in sybils}
    assert len(groups - {None}) <= 2 and sum(verdicts[a]["campaign_id"] is not None for a in sybils) >= 0.85 * len(sybils)
    metrics = evaluate(result.verdicts, labels)
    assert metrics["tpr_flagged"] >= 0.8
    for persona in ("dev-team", "eval-cot-long", "stepwise-casual", "chinese-casual", "agentic"):
        assert metrics["per_persona_flag_rate"].get(persona, 0.0) == 0.0, persona


def test_calibration_keeps_the_order_of_ordinary_findings():
    """Defect: a finding at or below its cohort's ordinary level counted 0, so most accounts sat tied at
    the same risk and the ranking the raw scores gave was lost (AUROC fell on traffic it was not tuned on)."""
    reference = PopulationReference(quantile=0.95)
    for i in range(400):
        score = 0.6 if i % 5 == 0 else 0.3 if i % 5 == 1 else 0.0
        reference.record(f"a{i}", "tier-2|v<2000|sdk", {"ceiling_outputs": score}, 0.0, ["ceiling_outputs"])
    common, _ = reference.calibrate("ceiling_outputs", "tier-2|v<2000|sdk", 0.3)
    higher, _ = reference.calibrate("ceiling_outputs", "tier-2|v<2000|sdk", 0.6)
    rare, _ = reference.calibrate("ceiling_outputs", "tier-2|v<2000|sdk", 0.9)
    assert 0.0 < common < higher < 0.3 < rare  # ordinary findings weigh little, but keep their order


def test_an_org_id_no_other_account_holds_declares_no_team():
    """Defect: a provider that gives every account its own default org id made every account look like a
    declared organisation, which switched swarm linking and collective evidence off for all of them."""
    from distillguard.features.content import ContentReference, shared_orgs
    from distillguard.linking.content_links import harvest_shaped
    from distillguard.linking.linker import campaign_extras

    prompts = [f"Describe how our understanding of topic {i} developed over time." for i in range(12)]
    sybils = []
    for k in range(3):
        state = _state(f"s{k}", prompts, max_tokens=4096)
        state.orgs = {f"org-own-{k}"}
        sybils.append(state)
    team = [_state(f"t{k}", prompts, max_tokens=4096) for k in range(2)]
    for state in team:
        state.orgs = {"org-team"}
    shared = shared_orgs(sybils + team)
    reference = ContentReference(shared_orgs=shared)
    assert shared == {"org-team"}
    assert all(harvest_shaped(s, reference) for s in sybils) and not any(harvest_shaped(s, reference) for s in team)
    assert campaign_extras(sybils, shared)["declared_org_share"] == 0.0
    assert campaign_extras(team, shared)["declared_org_share"] == 1.0


def test_sybils_filling_one_set_of_templates_are_joined_by_their_phrases():
    """Defect: a capability sweep over 30 fresh accounts (10 prompts each, one topic per prompt) was never
    linked: each account's mean content is close to everyone's, so the centroid test saw nothing."""
    from distillguard.features.content import ContentReference
    from distillguard.features.embedding import phrase_keys
    from distillguard.linking.phrase_links import phrase_sharing, swarm_phrases

    templates = ["Describe how our understanding of {} developed over time.", "What are the most common misconceptions about {}?",
                 "Give a worked example that shows the core idea of {}.", "Compare the main competing theories of {} in detail."]
    wrappers = ["", "Been stuck on this all day. ", "quick q: ", "For my class: "]
    topics = [f"{a} {b}" for a in ("stellar", "cellular", "monetary", "tectonic", "neural", "coastal", "medieval", "quantum")
              for b in ("evolution", "policy", "networks", "erosion", "trade", "signalling")]
    rng = np.random.default_rng(2)

    def account(name, prompts, **request):
        state = AccountState(name)
        for i, prompt in enumerate(prompts):
            event = parse_event({"request_id": f"{name}-{i}", "ts": (T0 + timedelta(minutes=i)).isoformat(), "account_id": name,
                                 "request": {"messages": [{"role": "user", "content": prompt}], **request}})
            state.update(event, prompt_features(prompt), False, prompt, embed_text(prompt), phrase_keys(prompt))
        return state

    sybils = [account(f"sybil{k}", [wrappers[rng.integers(4)] + templates[rng.integers(4)].format(topics[rng.integers(len(topics))])
                                    for _ in range(10)], max_tokens=4096) for k in range(12)]
    words = "the a my our this that cat garden train recipe budget holiday printer laptop email meeting song weekend river".split()
    people = [account(f"person{k}", [" ".join(rng.choice(words, 14)) + f" {k} {i}?" for i in range(12)]) for k in range(60)]
    one_shot = [account(f"oneshot{k}", ["Please write " + " ".join(rng.choice(words, 16)) for _ in range(8)], max_tokens=4096)
                for k in range(6)]
    everyone = sybils + people + one_shot
    edges, swarm = swarm_phrases(everyone, ContentReference(), max_requests=300, neighbours=8)
    joined = {a for edge in edges for a in edge[:2]}
    assert sum(s.account_id in joined for s in sybils) >= 10
    assert not joined & {s.account_id for s in people + one_shot}
    share, carriers = phrase_sharing(sybils, swarm)
    assert share >= 0.8 and len(carriers) >= 10
    assert phrase_sharing(one_shot, swarm)[0] == 0.0


def test_an_early_own_flag_lapses_when_a_much_longer_record_contradicts_it():
    """Defect: a writing app flagged on its first dozen requests (a broad, long-answer start) stayed flagged
    through hundreds of ordinary requests; a harvest's evidence firms up, an app's early look does not."""
    from distillguard.replay.online import OnlineScorer, _Track

    scorer = OnlineScorer()
    threshold = scorer.engine.threshold

    def flagged() -> _Track:
        return _Track(flagged_at="r10", flagged_ts="t", requests_before_flag=9, flag_basis="own")

    contradicted, young, still_risky = flagged(), flagged(), flagged()
    scorer._expire_if_not_borne_out(contradicted, 400, 0.2 * threshold)
    scorer._expire_if_not_borne_out(young, 30, 0.2 * threshold)
    scorer._expire_if_not_borne_out(still_risky, 400, 0.9 * threshold)
    assert contradicted.flagged_at is None and contradicted.expired_flag == "r10"
    assert young.flagged_at == "r10" and still_risky.flagged_at == "r10"


def test_an_inherited_flag_of_a_content_joined_established_account_lapses_when_it_no_longer_inherits():
    """Defect: content linking put prompt-testing agencies beside a harvest's sybils, they inherited its flag
    on a few look-alike prompts, and the flag stayed through a hundred ordinary requests because they were
    still "sybil-sized". An account that content alone joined is judged on its own record once it is
    established; one tied by shared infrastructure keeps the group's flag at sybil size."""
    from distillguard.replay.online import OnlineScorer, _CampaignTrack, _Track

    scorer = OnlineScorer()
    engine = scorer.engine
    engine.states["agency"] = _state("agency", [f"rewrite this tagline, variant {i}" for i in range(60)])
    engine.states["sybil"] = _state("sybil", [f"rewrite item {i}" for i in range(60)])
    engine.content_joined.add("agency")
    group = _CampaignTrack(risk=0.9, assessment=Assessment(0.9, [], {"_attribution": {}}, inheritable=True), campaign_id="c")

    def inherited() -> _Track:
        return _Track(flagged_at="r3", flagged_ts="t", requests_before_flag=2, flag_basis="campaign")

    agency, sybil = inherited(), inherited()
    agency.own = sybil.own = Assessment(0.02, [])
    scorer._expire_if_unsupported(agency, "agency", 0.02, group)
    scorer._expire_if_unsupported(sybil, "sybil", 0.02, group)
    assert agency.flagged_at is None and agency.expired_flag == "r3"
    assert sybil.flagged_at == "r3"
