"""Finding back-office adapters through the ``gateway.adapters`` entry-point group.

The core never imports ``adapters``: built-in adapters are registered in pyproject.toml exactly
as a third party's package would register its own, and found here through
:mod:`importlib.metadata` only. An entry point names a class (or any object) with a
``from_options(options: Mapping[str, str])`` constructor, fed from ``[adapter].options``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Protocol, cast

from gateway.errors import AdapterError, GatewayError, UnknownAdapterError
from gateway.exchange.backoffice import BackOfficeAdapter

ENTRY_POINT_GROUP = "gateway.adapters"


class AdapterFactory(Protocol):
    """What an entry point must name: something that builds an adapter from options."""

    def from_options(self, options: Mapping[str, str]) -> BackOfficeAdapter: ...


def _registered() -> tuple[EntryPoint, ...]:
    return tuple(entry_points(group=ENTRY_POINT_GROUP))


def available_adapters(
    source: Callable[[], tuple[EntryPoint, ...]] = _registered,
) -> dict[str, EntryPoint]:
    """Registered adapters by name; a name registered twice is refused, not picked at random."""
    found: dict[str, EntryPoint] = {}
    for ep in source():
        if ep.name in found and found[ep.name].value != ep.value:
            raise UnknownAdapterError(
                f"adapter name {ep.name!r} is registered twice in group {ENTRY_POINT_GROUP!r} "
                f"({found[ep.name].value} and {ep.value}); uninstall one of the packages"
            )
        found[ep.name] = ep
    return dict(sorted(found.items()))


def load_adapter_factory(
    name: str, source: Callable[[], tuple[EntryPoint, ...]] = _registered
) -> AdapterFactory:
    """The factory registered under ``name``; unknown or broken names fail with the reason."""
    registry = available_adapters(source)
    ep = registry.get(name)
    if ep is None:
        known = ", ".join(registry) or "none"
        raise UnknownAdapterError(
            f"no back-office adapter named {name!r} in entry-point group "
            f"{ENTRY_POINT_GROUP!r} (registered: {known})"
        )
    try:
        target = ep.load()
    except Exception as exc:  # any import-time failure of a plug-in is a config problem
        raise UnknownAdapterError(
            f"adapter {name!r} ({ep.value}) cannot be loaded: {type(exc).__name__}: {exc}"
        ) from exc
    if not callable(getattr(target, "from_options", None)):
        raise UnknownAdapterError(
            f"adapter {name!r} ({ep.value}) has no from_options(options) constructor"
        )
    return cast(AdapterFactory, target)


def create_adapter(
    name: str,
    options: Mapping[str, str],
    source: Callable[[], tuple[EntryPoint, ...]] = _registered,
) -> BackOfficeAdapter:
    """Build the configured adapter; checks that it really implements the Protocol."""
    factory = load_adapter_factory(name, source)
    try:
        adapter = factory.from_options(options)
    except GatewayError:
        raise
    except (TypeError, ValueError, OSError) as exc:
        raise AdapterError(f"adapter {name!r}: options refused: {exc}") from exc
    if not isinstance(adapter, BackOfficeAdapter):
        raise UnknownAdapterError(
            f"adapter {name!r} built a {type(adapter).__name__}, which lacks the "
            "BackOfficeAdapter methods"
        )
    return adapter
