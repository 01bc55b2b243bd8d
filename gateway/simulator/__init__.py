"""A standalone stand-in for the national axis (VXP), compatible with the official Java SDK.

For development, demos and tests: registered systems and agencies from a TOML file, every
request's signature checked as the SDK computes it, packages routed by their content, an SQLite
file that survives restarts, and fault injection. ``gateway axis-sim`` runs it; in-process::

    from gateway.simulator import SimulatorServer, load_simulator_config
    with SimulatorServer(load_simulator_config("axis-sim.toml"), port=0) as sim:
        ...  # sim.url
"""

from gateway.simulator.config import (
    AgencyConfig,
    SimulatorConfig,
    SystemConfig,
    load_simulator_config,
)
from gateway.simulator.faults import FaultSettings, Outage
from gateway.simulator.refusals import Refusal
from gateway.simulator.server import SimulatorServer

__all__ = [
    "AgencyConfig",
    "FaultSettings",
    "Outage",
    "Refusal",
    "SimulatorConfig",
    "SimulatorServer",
    "SystemConfig",
    "load_simulator_config",
]
