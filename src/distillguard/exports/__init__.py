"""Verdicts and campaigns out to where providers already look: tables, OpenTelemetry, Prometheus.

`tables` writes CSV/Parquet for BI tools and warehouses, `otel` turns flags into
OpenTelemetry log records (OTLP/JSON file or an OTLP/HTTP collector), and `prometheus`
renders the gauges alerting rules need (flagged accounts, campaigns, leaked share). None of
them carries prompts or finding examples: only ids, scores and detector names.
"""
