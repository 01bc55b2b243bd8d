"""Client <-> simulator over real HTTP on loopback: the receive cycle and routing."""

from __future__ import annotations

from pathlib import Path

import pytest

from gateway.errors import AxisError
from gateway.exchange.hub import HubTransport
from gateway.simulator import SimulatorServer
from gateway.transport.vxp import AgencyRegistration, VxpClient, VxpConfig, VxpHub

from .conftest import G12, G22, SAAS, SECRETS, ClientFactory, make_config, package


def test_document_from_a_is_listed_fetched_and_acknowledged_by_b(client_for: ClientFactory) -> None:
    a, b = client_for(G12), client_for(G22)
    data = package("edoc-g12-to-g22.edxml")
    sent = a.send_edoc(data)
    listed = b.get_received_edoc_list("edoc")
    assert len(listed) == 1
    item = listed[0]
    assert (item.sender, item.receiver, item.status, item.message_type) == (
        G12,
        G22,
        "initial",
        "edoc",
    )
    assert item.status_desc == "Chưa nhận"
    assert item.doc_id != sent.doc_id  # one delivery id per recipient
    assert b.get_edoc(item.doc_id) == data
    assert b.download_edoc(item.doc_id) == data
    assert b.count_receive_edoc() == 1
    assert client_for(G12).get_received_edoc_list("edoc") == ()
    b.update_status(item.doc_id, "done")
    assert b.get_received_edoc_list("edoc") == ()
    assert b.count_receive_edoc() == 0
    (sent_item,) = a.get_sent_edoc_list("edoc", sent.doc_id)
    assert sent_item.receiver_doc_id == item.doc_id
    assert sent_item.receive_status == "done"
    assert sent_item.title.startswith("V/v báo cáo tình hình xuất khẩu gạo")
    assert sent_item.notation == "45/BCT-VP"


def test_fail_and_processing_keep_the_document_listed(client_for: ClientFactory) -> None:
    a, b = client_for(G12), client_for(G22)
    a.send_edoc(package("edoc-g12-to-g22.edxml"))
    (item,) = b.get_received_edoc_list("edoc")
    b.update_status(item.doc_id, "fail")
    assert [i.status for i in b.get_received_edoc_list("edoc")] == ["fail"]
    b.update_status(item.doc_id, "processing")
    assert [i.status for i in b.get_received_edoc_list("edoc")] == ["processing"]
    b.update_status(item.doc_id, "done")
    assert b.get_received_edoc_list("edoc") == ()


def test_status_is_routed_back_to_the_original_sender_by_content(
    client_for: ClientFactory,
) -> None:
    a, b = client_for(G12), client_for(G22)
    # a stale `to` (as a reused SDK object sends) must not steer a status package
    b.send_edoc(package("status-03-g22-to-g12.edxml"), message_type="status", to=[G22])
    b.send_edoc(package("status-06-no-organ.edxml"), message_type="status")
    statuses = a.get_received_edoc_list("status")
    assert [s.sender for s in statuses] == [G22, G22]
    assert {s.message_type for s in statuses} == {"status"}
    assert a.count_receive_status() == 2
    assert b.get_received_edoc_list("status") == ()
    assert a.get_received_edoc_list("edoc") == ()
    assert b"03" in a.get_edoc(statuses[0].doc_id)


def test_document_to_two_agencies_of_two_systems(client_for: ClientFactory) -> None:
    a = client_for(G12)
    a.send_edoc(package("edoc-g12-to-two.edxml"))
    assert len(client_for(G22).get_received_edoc_list()) == 1
    (item,) = client_for(SAAS).get_received_edoc_list()
    assert item.receiver == "000.00.00.H41"


def test_to_header_narrows_the_recipients(client_for: ClientFactory) -> None:
    a = client_for(G12)
    a.send_edoc(package("edoc-g12-to-two.edxml"), to=["000.00.00.H41"])
    assert client_for(G22).get_received_edoc_list() == ()
    assert len(client_for(SAAS).get_received_edoc_list()) == 1


def test_a_system_cannot_fetch_or_ack_another_systems_delivery(
    client_for: ClientFactory,
) -> None:
    client_for(G12).send_edoc(package("edoc-g12-to-g22.edxml"))
    (item,) = client_for(G22).get_received_edoc_list()
    other = client_for(SAAS)
    with pytest.raises(AxisError) as info:
        other.get_edoc(item.doc_id)
    assert info.value.code == "203" and not info.value.retryable
    with pytest.raises(AxisError):
        other.update_status(item.doc_id, "done")


def test_hub_adapter_implements_the_engine_protocol(client_for: ClientFactory) -> None:
    hub_a, hub_b = VxpHub(client_for(G12)), VxpHub(client_for(G22))
    assert isinstance(hub_a, HubTransport)
    data = package("edoc-g12-to-g22.edxml")
    ref_id = hub_a.send(data, kind="edoc")
    assert ref_id
    (ref,) = hub_b.list_received("edoc")
    assert ref.kind == "edoc" and ref.sender == G12
    assert hub_b.fetch(ref) == data
    hub_b.acknowledge(ref, ok=False)
    assert len(hub_b.list_received("edoc")) == 1
    hub_b.acknowledge(ref, ok=True)
    assert hub_b.list_received("edoc") == ()


def test_queued_packages_survive_a_restart(tmp_path: Path) -> None:
    config = make_config(tmp_path / "persist.sqlite3")
    data = package("edoc-g12-to-g22.edxml")
    first = SimulatorServer(config)
    url = first.start()
    with VxpClient(VxpConfig(url, G12, SECRETS[G12])) as a:
        a.send_edoc(data)
    first.stop()
    second = SimulatorServer(config)
    url = second.start()
    try:
        with VxpClient(VxpConfig(url, G22, SECRETS[G22])) as b:
            (item,) = b.get_received_edoc_list()
            assert b.get_edoc(item.doc_id) == data
    finally:
        second.stop()


def test_directory_operations(client_for: ClientFactory) -> None:
    a = client_for(G12)
    codes = [x.code for x in a.get_agencies_list()]
    assert codes == [G12, G22, "000.00.00.H41"]
    qd20 = a.get_agencies_list_qd20("1")
    assert [x.code102 for x in qd20] == codes
    nghe_an = next(x for x in a.get_agencies_list() if x.code == "000.00.00.H41")
    assert nghe_an.name == "Ủy ban nhân dân tỉnh Nghệ An"
    assert nghe_an.pid == next(x.id for x in qd20 if x.code == G22)
    new = AgencyRegistration(
        pcode=G12, code="000.01.00.G12", name="Vụ Thị trường trong nước", mail="tttn@moit.example"
    )
    a.register_agency(new)
    assert "000.01.00.G12" in [x.code for x in a.get_agencies_list()]
    with pytest.raises(AxisError) as info:
        a.register_agency(new)
    assert info.value.code == "206"
    with pytest.raises(AxisError) as info:
        client_for(G22).delete_agency("000.01.00.G12")
    assert info.value.code == "205"
    a.delete_agency("000.01.00.G12")
    assert "000.01.00.G12" not in [x.code for x in a.get_agencies_list()]
    units = {u.code: u for u in a.get_synchronize_unit()}
    assert units["000.01.00.G12"].deleted is True
    assert units["000.01.00.G12"].version == 2
    assert units[G12].center_code == G12 and units[G12].is_agency


def test_sent_list_without_doc_id_lists_everything_sent(client_for: ClientFactory) -> None:
    a = client_for(G12)
    a.send_edoc(package("edoc-g12-to-g22.edxml"))
    a.send_edoc(package("edoc-g12-to-two.edxml"))
    sent = a.get_sent_edoc_list("edoc")
    assert [s.to_code for s in sent] == [G22, G22, "000.00.00.H41"]
    assert {s.send_status for s in sent} == {"done"}
    assert client_for(G22).get_sent_edoc_list("edoc") == ()
