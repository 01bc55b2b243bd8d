"""Composition root: build every service of one gateway from :class:`Settings`, and run it.

Nothing else in the code base wires concrete edges (the VXP client, the configured adapter,
key sources) to the engine; tests and the demo pass their own ``hub``/``adapter`` here.
:meth:`Gateway.tick` runs one full pass synchronously (tests, cron, ``gateway run --once``);
:meth:`Gateway.start` runs the same steps on the configured intervals in a background
scheduler, and :meth:`Gateway.stop` finishes the work in hand and stops, losing nothing: a job
interrupted by a crash comes back when its lease expires.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler

from gateway.config.model import Settings
from gateway.edxml import Organization
from gateway.errors import GatewayError
from gateway.exchange import jobs
from gateway.exchange.adapters import create_adapter
from gateway.exchange.admission import Admitter
from gateway.exchange.backoffice import BackOfficeAdapter
from gateway.exchange.delivery import DocumentSender, StatusSender
from gateway.exchange.directory import DirectorySource, SyncReport, sync_directory
from gateway.exchange.handover import DocumentImporter, StatusNotifier
from gateway.exchange.hub import HubTransport
from gateway.exchange.intake import Intake
from gateway.exchange.outbound import Outbound
from gateway.exchange.outbox import OutboxDrain
from gateway.exchange.poller import Poller
from gateway.exchange.routing import Router
from gateway.exchange.runner import JobRunner
from gateway.exchange.sealing import Sealer
from gateway.security.binding import EmbeddedIdentifierRule
from gateway.security.factory import key_source_from_settings, verifier_from_settings
from gateway.store import RetryPolicy, RetrySchedule, Store
from gateway.store.clock import Clock, system_clock
from gateway.transport.vxp.directory import VxpDirectory
from gateway.transport.vxp.factory import vxp_client_from_settings
from gateway.transport.vxp.hub import VxpHub

log = logging.getLogger(__name__)

SEND_KINDS = (jobs.DELIVER, jobs.SEND_STATUS)
BACK_OFFICE_KINDS = (jobs.IMPORT, jobs.NOTIFY)


def retry_policy(settings: Settings) -> RetryPolicy:
    def schedule(kind: str) -> RetrySchedule:
        r = settings.retry_for(kind)
        return RetrySchedule(
            base_seconds=r.base_seconds,
            factor=r.factor,
            max_delay_seconds=r.max_delay_seconds,
            max_attempts=r.max_attempts,
            jitter=r.jitter,
        )

    return RetryPolicy(schedules={k: schedule(k) for k in jobs.ALL}, default=schedule("default"))


@dataclass(frozen=True, slots=True)
class TickReport:
    outbox: dict[str, int]
    documents: dict[str, int]
    statuses: dict[str, int]
    jobs_run: int


class Gateway:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        adapter: BackOfficeAdapter,
        hub: HubTransport,
        sealer: Sealer,
        admitter: Admitter,
        directory: DirectorySource | None = None,
        clock: Clock = system_clock,
    ) -> None:
        self.settings = settings
        self.store = store
        self.adapter = adapter
        self.hub = hub
        self.directory = directory
        self.stopping = threading.Event()
        identity = Organization(
            organ_id=settings.identity.organ_id, organ_name=settings.identity.name
        )
        configured = {k: p.channel for k, p in settings.partners.items()}
        self.router = Router({"axis": hub}, configured)
        self.outbound = Outbound(store, sealer, self.router, identity, clock)
        self.intake = Intake(
            store,
            admitter=admitter,
            sealer=sealer,
            router=self.router,
            identity=identity,
            clock=clock,
            answer_refusals=lambda organ: settings.partner(organ).refuse_with_status,
        )
        self.poller = Poller(store, hub, self.intake, stopping=self.stopping)
        self.outbox = OutboxDrain(adapter, self.outbound, stopping=self.stopping)
        worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.runner = JobRunner(
            store,
            {
                jobs.DELIVER: DocumentSender(store, self.router),
                jobs.SEND_STATUS: StatusSender(store, self.router),
                jobs.IMPORT: DocumentImporter(store, adapter),
                jobs.NOTIFY: StatusNotifier(store, adapter),
            },
            worker_id=worker_id,
            batch=settings.poll.batch_size,
            lease_seconds=settings.poll.lease_seconds,
            stopping=self.stopping,
        )
        self._scheduler: BackgroundScheduler | None = None

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        *,
        environ: Mapping[str, str] | None = None,
        hub: HubTransport | None = None,
        adapter: BackOfficeAdapter | None = None,
        clock: Clock = system_clock,
    ) -> Gateway:
        env = os.environ if environ is None else environ
        key = (
            None
            if settings.signing.source == "none"
            else key_source_from_settings(settings.signing, env)
        )
        verifier = (
            verifier_from_settings(settings, EmbeddedIdentifierRule())
            if settings.trust.ca_bundle is not None
            else None
        )

        def require_signature(organ: str | None) -> bool:
            wanted = settings.partner(organ).require_signature if organ else None
            return settings.trust.require_signature if wanted is None else wanted

        directory: DirectorySource | None = None
        if hub is None:
            client = vxp_client_from_settings(settings, env)
            the_hub: HubTransport = VxpHub(client)
            directory = VxpDirectory(client)
        else:
            the_hub = hub
        the_adapter = adapter or create_adapter(settings.adapter.name, settings.adapter.options)
        store = Store.open(
            settings.database.url,
            settings.identity.data_dir,
            policy=retry_policy(settings),
            clock=clock,
        )
        return cls(
            settings,
            store,
            adapter=the_adapter,
            hub=the_hub,
            sealer=Sealer(settings.identity.organ_id, key),
            admitter=Admitter(verifier, require_signature),
            directory=directory,
            clock=clock,
        )

    # -- one pass ----------------------------------------------------------------------------

    def take_outbox(self) -> dict[str, int]:
        return self.outbox.drain()

    def poll_axis(self) -> tuple[dict[str, int], dict[str, int]]:
        documents = self.poller.poll("edoc").outcomes
        statuses = self.poller.poll("status").outcomes
        return documents, statuses

    def sync_directory(self) -> SyncReport | None:
        """Refresh the agency directory from the axis (None: no directory source)."""
        if self.directory is None:
            return None
        return sync_directory(self.store, self.directory)

    def run_jobs(self, kinds: tuple[str, ...] = jobs.ALL) -> int:
        return self.runner.run_due(kinds)

    def tick(self) -> TickReport:
        """Outbox, sends, axis, then imports and sends again (statuses the intake queued)."""
        outbox = self.take_outbox()
        ran = self.run_jobs(SEND_KINDS)
        documents, statuses = self.poll_axis()
        ran += self.run_jobs()
        return TickReport(outbox, documents, statuses, ran)

    # -- running -----------------------------------------------------------------------------

    def _guarded(self, name: str, step: Any) -> Any:
        def run() -> None:
            if self.stopping.is_set():
                return
            try:
                step()
            except GatewayError as exc:  # the axis is down, the database busy: said in one line
                log.warning("%s: %s (runs again at its next interval)", name, exc)
            except Exception:  # a bug: with its traceback, and the scheduler keeps going
                log.exception("scheduled step %s failed; it runs again at its next interval", name)

        return run

    def start(self) -> None:
        if self._scheduler is not None:
            return
        poll = self.settings.poll
        soon = datetime.now(UTC) + timedelta(milliseconds=50)
        steps = (
            ("outbox", self.take_outbox, poll.outbox_interval_seconds),
            ("receive", self.poll_axis, poll.receive_interval_seconds),
            ("send", lambda: self.run_jobs(SEND_KINDS), poll.worker_interval_seconds),
            ("back-office", lambda: self.run_jobs(BACK_OFFICE_KINDS), poll.worker_interval_seconds),
            ("directory", self.sync_directory, poll.directory_interval_seconds),
        )
        scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(len(steps))},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone=UTC,
        )
        for name, step, seconds in steps:
            scheduler.add_job(
                self._guarded(name, step),
                "interval",
                seconds=seconds,
                id=name,
                next_run_time=soon,
            )
        scheduler.start()
        self._scheduler = scheduler
        log.info("gateway %s started", self.settings.identity.organ_id)

    @property
    def running(self) -> bool:
        return self._scheduler is not None and not self.stopping.is_set()

    def poll_now(self) -> None:
        """Run the axis poll at once (on demand) instead of waiting for its interval."""
        if self._scheduler is not None:
            self._scheduler.modify_job("receive", next_run_time=datetime.now(UTC))

    def stop(self) -> None:
        """Finish the step in hand (each stops between items), then stop the scheduler."""
        self.stopping.set()
        if self._scheduler is not None:
            self._scheduler.shutdown(wait=True)
            self._scheduler = None
            log.info("gateway %s stopped", self.settings.identity.organ_id)

    def close(self) -> None:
        self.stop()
        self.store.close()

    def __enter__(self) -> Gateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
