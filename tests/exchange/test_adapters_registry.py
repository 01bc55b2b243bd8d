"""Adapters are found through entry points only; bad names and broken plug-ins say why."""

from __future__ import annotations

import ast
from collections.abc import Mapping
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest

from gateway.errors import AdapterError, BackOfficeDataError, UnknownAdapterError
from gateway.exchange import adapters as registry
from gateway.exchange.backoffice import BackOfficeAdapter

GROUP = registry.ENTRY_POINT_GROUP
CORE = Path(__file__).resolve().parents[2] / "gateway" / "exchange"


def ep(name: str, value: str) -> EntryPoint:
    return EntryPoint(name=name, value=value, group=GROUP)


class NotAnAdapter:
    @classmethod
    def from_options(cls, options: Mapping[str, str]) -> NotAnAdapter:
        return cls()


class NoFactory:
    pass


def test_builtin_dropfolder_is_registered_like_a_plugin() -> None:
    found = registry.available_adapters()
    assert found["dropfolder"].value == "adapters.dropfolder:DropFolderAdapter"


def test_create_adapter_builds_a_working_dropfolder(tmp_path: Path) -> None:
    adapter = registry.create_adapter("dropfolder", {"root": str(tmp_path)})
    assert isinstance(adapter, BackOfficeAdapter)
    assert (tmp_path / "outbox").is_dir() and list(adapter.take_outgoing()) == []


def test_unknown_name_lists_what_is_registered() -> None:
    with pytest.raises(UnknownAdapterError, match=r"'imoit'.*registered: dropfolder") as info:
        registry.load_adapter_factory("imoit")
    assert info.value.exit_code == 2


def test_name_registered_twice_is_refused() -> None:
    def source() -> tuple[EntryPoint, ...]:
        return (ep("x", "a.b:C"), ep("x", "d.e:F"))

    with pytest.raises(UnknownAdapterError, match="registered twice"):
        registry.available_adapters(source)


def test_plugin_that_cannot_be_imported_says_so() -> None:
    def source() -> tuple[EntryPoint, ...]:
        return (ep("broken", "no_such_module_for_gateway:Adapter"),)

    with pytest.raises(UnknownAdapterError, match="cannot be loaded: ModuleNotFoundError"):
        registry.load_adapter_factory("broken", source)


def test_plugin_without_factory_or_methods_is_refused() -> None:
    def source() -> tuple[EntryPoint, ...]:
        here = __name__
        return (ep("nofactory", f"{here}:NoFactory"), ep("hollow", f"{here}:NotAnAdapter"))

    with pytest.raises(UnknownAdapterError, match="no from_options"):
        registry.load_adapter_factory("nofactory", source)
    with pytest.raises(UnknownAdapterError, match="lacks the BackOfficeAdapter methods"):
        registry.create_adapter("hollow", {}, source)


def test_bad_options_are_a_clear_error() -> None:
    with pytest.raises(BackOfficeDataError, match="option 'root'"):
        registry.create_adapter("dropfolder", {})
    assert issubclass(BackOfficeDataError, AdapterError)


def test_core_never_imports_an_edge() -> None:
    edges = ("adapters", "gateway.transport", "gateway.api", "gateway.cli", "gateway.simulator")
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith(edges), f"{path.name} imports {name}"
