"""`distillguard intel ...` and `distillguard hub`: share extraction intelligence between providers.

Typical flow: `intel keys init` (once per consortium; distribute the file out of
band), `intel export` a campaign your scan flagged, `intel push` it to the hub;
peers `intel poll` (or receive a webhook) and `intel match` the bundles against
their own traffic.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import List, Optional

import typer

intel_app = typer.Typer(
    name="intel",
    help=(
        "Share extraction-campaign intelligence with other providers as STIX 2.1 over TAXII 2.1.\n\n"
        "Identifiers leave only as keyed hashes and prompts only as keyed MinHash signatures.\n\n"
        "Flow: `intel keys init` (once per consortium) -> `intel export` a flagged campaign -> `intel push` to the hub; "
        "peers `intel poll` and `intel match` the bundles against their own events. Run the hub with `distillguard hub`."
    ),
    no_args_is_help=True,
)
keys_app = typer.Typer(name="keys", help="Consortium keys (keyed hashing) and hub API keys.", no_args_is_help=True)
intel_app.add_typer(keys_app)

API_KEY_ENV = "DG_HUB_API_KEY"


def _fail(message: str) -> None:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _keyring(path: Path):
    from distillguard.intel.keys import Keyring, KeyError_

    try:
        return Keyring.load(path)
    except KeyError_ as exc:
        _fail(str(exc))


def _api_key(env: str) -> str:
    key = os.environ.get(env)
    if not key:
        _fail(f"environment variable {env} is not set (it holds this provider's hub API key)")
    return key


@keys_app.command("init")
def keys_init(
    file: Path = typer.Option(..., "--file", help="Keyring file to create (JSON, mode 0600). Share it with consortium members only."),
    force: bool = typer.Option(False, help="Overwrite an existing file."),
) -> None:
    """Create a new consortium keyring with one key."""
    from distillguard.intel.keys import Keyring

    if file.exists() and not force:
        _fail(f"{file}: already exists (use --force to overwrite, or `keys rotate` to add a key)")
    ring = Keyring.generate()
    ring.save(file)
    typer.echo(f"created {file} with key id {ring.current}")


@keys_app.command("rotate")
def keys_rotate(file: Path = typer.Option(..., "--file", help="Keyring file to rotate in place.")) -> None:
    """Add a new current key; the previous one is kept so peers' older indicators still match."""
    ring = _keyring(file)
    old = ring.current
    kid = ring.rotate()
    ring.save(file)
    typer.echo(f"{file}: current key {kid} (previous {old} kept; keys held: {', '.join(sorted(ring.keys))})")


@keys_app.command("new-api-key")
def keys_new_api_key(provider: str = typer.Argument(..., help="Provider name as it appears in hub.yaml.")) -> None:
    """Print a fresh hub API key for a provider and the hash to put in hub.yaml."""
    from distillguard.intel.hub_config import hash_api_key, new_api_key

    key = new_api_key()
    typer.echo(f"API key for {provider} (give it to them; it is not stored anywhere): {key}")
    typer.echo(f"hub.yaml:  providers: {{{provider}: {{api_key_sha256: {hash_api_key(key)}}}}}")


def _attach_blind(ring, hub: Optional[str], collection: Optional[str], provider: Optional[str], api_key_env: str):
    """With --blind-hub, identifiers are hashed by the hub's blinded PRF for that collection (no offline reversal)."""
    if not hub:
        return ring
    import os

    from distillguard.intel.client import hub_blind_client

    if not collection or not provider:
        _fail("--blind-hub needs --collection (the sharing group) and --provider (your name on the hub)")
    key = os.environ.get(api_key_env)
    if not key:
        _fail(f"--blind-hub: set your hub API key in the environment variable {api_key_env}")
    ring.blind = hub_blind_client(hub, "consortium", collection, provider, key)
    return ring


_BLIND_HELP = "Hash identifiers with the hub's blinded PRF for --collection (members cannot reverse them offline); hub base URL."


@intel_app.command("export")
def export_cmd(
    verdicts: Path = typer.Argument(..., help="Account verdicts JSONL written by a scan."),
    events: Path = typer.Argument(..., help="The events JSONL that scan read."),
    keys: Path = typer.Option(..., "--keys", help="Consortium keyring (see `intel keys init`)."),
    provider: str = typer.Option(..., "--provider", help="Your provider name; it becomes the STIX identity the bundle is published under (created_by_ref)."),
    out: Path = typer.Option(..., "--out", help="Where to write the STIX 2.1 bundle (JSON)."),
    campaign: Optional[List[str]] = typer.Option(None, "--campaign", help="Campaign id to export (repeatable). Default: all flagged campaigns."),
    tlp: str = typer.Option("amber", help="TLP marking: clear, green, amber or red."),
    blind_hub: Optional[str] = typer.Option(None, "--blind-hub", help=_BLIND_HELP),
    collection: Optional[str] = typer.Option(None, "--collection", help="With --blind-hub: the collection (sharing group) whose key hashes identifiers."),
    api_key_env: str = typer.Option(API_KEY_ENV, help="With --blind-hub: environment variable holding your hub API key."),
) -> None:
    """Export flagged campaigns as a shareable STIX bundle (hashed identifiers, prompt signatures)."""
    from distillguard.intel.client import ClientError
    from distillguard.intel.export import ExportError, export_bundle
    from distillguard.progress import progress_bar

    ring = _attach_blind(_keyring(keys), blind_hub, collection, provider, api_key_env)
    try:
        with progress_bar(f"reading {events.name}", unit="MB", scale=1e-6) as update:
            bundle, stats = export_bundle(verdicts, events, ring, provider, campaign or None, tlp, progress=update)
    except (ExportError, ClientError) as exc:
        _fail(str(exc))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(bundle, indent=1) + "\n")
    except OSError as exc:
        _fail(f"--out {out}: cannot write ({exc.strerror or exc})")
    typer.echo(
        f"wrote {out}: {stats['campaigns']} campaign(s), {stats['identifiers']} identifier indicators, "
        f"{stats['signatures']} prompt signatures (dropped as common at your own customers: "
        f"{stats['dropped_common_identifiers']} identifiers, {stats['dropped_common_signatures']} signatures)"
    )


@intel_app.command("validate")
def validate_cmd(bundle: Path = typer.Argument(..., help="A peer's STIX bundle (JSON).")) -> None:
    """Check a peer bundle: size, STIX 2.1 validity, single publisher, indicator formats."""
    from distillguard.intel.validate import BundleError, load_package

    try:
        package = load_package(bundle)
    except BundleError as exc:
        _fail(str(exc))
    skipped = ", ".join(f"{n} {r}" for r, n in package.skipped.items()) or "none"
    typer.echo(
        f"{bundle}: valid; publisher {package.publisher_name} ({package.publisher}); {len(package.campaigns)} campaign(s), "
        f"{len(package.identifiers)} identifier indicators, {len(package.signatures)} prompt signatures; skipped: {skipped}"
    )


@intel_app.command("match")
def match_cmd(
    bundles: List[Path] = typer.Argument(..., help="Peer bundles to match (validated first)."),
    events: Path = typer.Option(..., "--events", help="Your events JSONL to match against."),
    keys: Path = typer.Option(..., "--keys", help="Consortium keyring."),
    out: Optional[Path] = typer.Option(None, "--out", help="Write one finding per matching account (JSONL)."),
    threshold: float = typer.Option(0.8, help="Score at which an account counts as blocked."),
    blind_hub: Optional[str] = typer.Option(None, "--blind-hub", help=_BLIND_HELP),
    collection: Optional[str] = typer.Option(None, "--collection", help="With --blind-hub: the collection the bundles came from."),
    provider: Optional[str] = typer.Option(None, "--provider", help="With --blind-hub: your provider name on the hub."),
    api_key_env: str = typer.Option(API_KEY_ENV, help="With --blind-hub: environment variable holding your hub API key."),
) -> None:
    """Import peer bundles and report which of your accounts match them (the intel_match detector)."""
    from distillguard.intel.client import ClientError
    from distillguard.intel.export import ExportError, read_events
    from distillguard.intel.matcher import IntelMatchDetector
    from distillguard.intel.validate import BundleError, load_package
    from distillguard.progress import progress_bar

    detector = IntelMatchDetector(_attach_blind(_keyring(keys), blind_hub, collection, provider, api_key_env), block_threshold=threshold)
    try:
        for path in bundles:
            detector.load(load_package(path))
        with progress_bar(f"matching {events.name}", unit="MB", scale=1e-6) as update:
            for event in read_events(events, update):
                detector.observe(event)
    except (BundleError, ExportError, ClientError) as exc:
        _fail(str(exc))
    findings = [(a, detector.score_account(a, {})) for a in detector.accounts]
    findings = sorted(((a, f) for a, f in findings if f), key=lambda x: -x[1].score)
    if out:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            with out.open("w") as handle:
                for account, finding in findings:
                    handle.write(json.dumps({"account_id": account, **finding.to_json()}) + "\n")
        except OSError as exc:
            _fail(f"--out {out}: cannot write ({exc.strerror or exc})")
    blocked = sum(f.score >= threshold for _, f in findings)
    typer.echo(f"{len(detector.accounts)} accounts seen; {len(findings)} match peer intel; {blocked} at or above {threshold}")
    if detector.unknown_kids:
        typer.echo(f"warning: indicators under unknown key ids skipped: {dict(detector.unknown_kids)} (get the rotated keyring)", err=True)


@intel_app.command("push")
def push_cmd(
    bundle: Path = typer.Argument(..., help="Bundle written by `intel export`."),
    hub: str = typer.Option("http://127.0.0.1:8600/", "--hub", help="Hub base URL (TAXII discovery is at /taxii2/)."),
    api_root: str = typer.Option("consortium", help="API root name on the hub."),
    collection: str = typer.Option(..., "--collection", help="Collection id to publish to."),
    provider: str = typer.Option(..., "--provider", help="Your provider name on the hub."),
    api_key_env: str = typer.Option(API_KEY_ENV, help="Environment variable holding your hub API key."),
) -> None:
    """Publish a bundle to a hub collection (validated locally first)."""
    from distillguard.intel.client import ClientError, push
    from distillguard.intel.validate import BundleError, load_bundle_file, parse_bundle

    try:
        data = load_bundle_file(bundle)
        parse_bundle(data, str(bundle))
        status = push(data, hub, api_root, collection, provider, _api_key(api_key_env))
    except (BundleError, ClientError) as exc:
        _fail(str(exc))
    typer.echo(f"pushed {bundle}: {status['success_count']} objects added, {status['failure_count']} already present")


@intel_app.command("poll")
def poll_cmd(
    out_dir: Path = typer.Option(..., "--out-dir", help="Where to write one bundle per peer with new intel."),
    hub: str = typer.Option("http://127.0.0.1:8600/", "--hub", help="Hub base URL."),
    api_root: str = typer.Option("consortium", help="API root name on the hub."),
    collection: str = typer.Option(..., "--collection", help="Collection id to read."),
    provider: str = typer.Option(..., "--provider", help="Your provider name on the hub."),
    state: Path = typer.Option(Path("intel-poll-state.json"), help="Remembers where the last poll stopped."),
    api_key_env: str = typer.Option(API_KEY_ENV, help="Environment variable holding your hub API key."),
) -> None:
    """Fetch peers' intel added since the last poll and write it as validated bundles."""
    import uuid

    from distillguard.intel.client import ClientError, PollState, poll
    from distillguard.intel.export import identity_id

    st = PollState.load(state)
    try:
        packages, problems = poll(hub, api_root, collection, provider, _api_key(api_key_env), st, own_identity=identity_id(provider))
    except ClientError as exc:
        _fail(str(exc))
    out_dir.mkdir(parents=True, exist_ok=True)
    for package in packages:
        path = out_dir / f"{package.publisher.split('--')[-1]}-{uuid.uuid4().hex[:8]}.json"
        bundle = {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": package.objects}
        path.write_text(json.dumps(bundle, indent=1) + "\n")
        typer.echo(f"wrote {path}")
    for problem in problems:
        typer.echo(f"refused: {problem}", err=True)
    st.save(state)
    typer.echo(f"{len(packages)} peer package(s) with new intel")


def hub_cmd(
    config: Path = typer.Option(..., "--config", help="hub.yaml: providers (hashed API keys, webhooks) and collections."),
    db: Path = typer.Option(Path("hub.sqlite"), "--db", help="SQLite file for stored objects (created if absent)."),
    port: int = typer.Option(8600, help="TCP port."),
    host: str = typer.Option("127.0.0.1", help="Interface to bind; keep loopback unless a TLS proxy fronts the hub."),
) -> None:
    """Run the consortium TAXII 2.1 hub (discovery at /taxii2/)."""
    import uvicorn

    from distillguard.intel.hub import create_app
    from distillguard.intel.hub_config import ConfigError, HubConfig
    from distillguard.intel.hub_store import HubStore

    try:
        conf = HubConfig.load(config)
    except ConfigError as exc:
        _fail(str(exc))
    app = create_app(conf, HubStore(db))
    typer.echo(f"TAXII 2.1 hub on http://{host}:{port}/taxii2/ (api root /{conf.api_root}/, {len(conf.collections)} collection(s))", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


def register(app: typer.Typer) -> None:
    app.add_typer(intel_app)
    app.command("hub", help="Run the consortium TAXII 2.1 hub that providers push to and poll.")(hub_cmd)
