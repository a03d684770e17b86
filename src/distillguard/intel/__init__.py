"""Threat-intelligence sharing between providers: STIX export/import with keyed hashes and
prompt signatures, the `intel_match` detector, a TAXII 2.1 hub and client, signed webhooks,
and the coordinated-response loop (see README.md in this folder)."""
