"""The reports stage of ``cooperare demo``: the certification report published into the sandbox Moodle for the
coordinators, as ``cooperare report publish`` does.

After the certificates stage, it makes a demo coordinator account, publishes the report (HTML dashboard, PDF, XLSX)
into the hidden course ``coop:course:coordonare`` reached through the ``coordonatori`` cohort, checks that the
coordinator is enrolled there and no trainee is, shows that publishing again plans no change, writes the dashboard
under ``DIR/reports/`` and adds ``reports.coordinators`` to ``DIR/cooperare.yaml``. Sandbox-only code: production
paths never import this module.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cooperare.cli.commands.demo_config import update_demo_config
from cooperare.config.reports import ReportsConfig
from cooperare.errors import PlanError

if TYPE_CHECKING:
    from cooperare.cli.commands.demo import DemoRun

DEMO_COORDINATOR = {"username": "coordonator.demo", "firstname": "Elena", "lastname": "Rădulescu",
                    "email": "coordonator@acor.example.ro"}
DASHBOARD_FILE = "panou-certificare.html"


def stage_reports(run: DemoRun) -> None:
    """The demo stage (see the module docstring)."""
    from cooperare.certificates.fonts import load_fonts
    from cooperare.reports.pdf import write_pdf
    from cooperare.reports.publish import apply_publish, plan_report
    from cooperare.store.certificates import CertificateRegistry

    out = run.out.resolve()
    coordinator_id = _coordinator(run)
    config = ReportsConfig(coordinators=[DEMO_COORDINATOR["email"]])
    fonts = load_fonts()
    catalogue = run.catalogue

    def plan() -> Any:
        return plan_report(run.client, catalogue=catalogue,
                           records=CertificateRegistry(run.store.engine).all(status="valid"), config=config,
                           write_pdf=lambda data, path: write_pdf(data, path, fonts=fonts),
                           generated_at=datetime.now(UTC))

    planned = plan()
    folder = out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    dashboard = folder / DASHBOARD_FILE
    dashboard.write_bytes(planned.bundle.files[0].content)
    result = apply_publish(run.client, run.store, planned, command="demo report publish")
    enrolled = {u.id for u in run.client.enrol.enrolled_users(result.course_id or 0)}
    if enrolled != {coordinator_id}:
        raise PlanError(f"the coordinators' course should hold only the coordinator, it holds {sorted(enrolled)}")
    again = plan().plan
    applied = ", ".join(f"{count} {what}" for what, count in sorted(result.applied.items()))
    run.app.say(f"Report published into the coordinators' course (id {result.course_id}, hidden; cohort "
                f"{planned.place.cohort}): {applied}")
    run.app.say(f"Enrolled there: only the coordinator {DEMO_COORDINATOR['username']} (through the cohort); no trainee")
    run.app.say(f"Publishing again: {again.summary()}")
    run.app.say(f"Dashboard (one self-contained HTML page): {dashboard}")
    _write_config(out)
    run.summary["reports"] = {"course_id": result.course_id, "applied": result.applied,
                              "replan_changes": sum(1 for _ in again.pending()), "dashboard": str(dashboard)}


def _coordinator(run: DemoRun) -> int:
    found = run.client.users.by_field("email", [DEMO_COORDINATOR["email"]])
    if found:
        return found[0].id
    created = run.client.users.create([{**DEMO_COORDINATOR, "password": "Coordonare#2026-demo", "auth": "manual"}])
    return int(created[0]["id"])


def _write_config(out: Path) -> None:
    """Add ``reports.coordinators`` to DIR/cooperare.yaml (other sections kept)."""
    update_demo_config(out, {"reports": {"coordinators": [DEMO_COORDINATOR["email"]]}})
