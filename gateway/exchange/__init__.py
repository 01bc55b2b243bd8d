"""The exchange engine: outbound and inbound pipelines, status lifecycle, back-office contract.

Core package: it never imports an edge (transport, api, cli, simulator, adapters); edges are
reached through the Protocols defined here (for the back office: :mod:`.backoffice`).
"""
