"""The demo's staff stage: a trainer and a tutor for each catalogue course, enrolled into the sandbox after the
roster, each leading the course's commune groups; the project's coordinator following every course (the same
person the reports stage gives the coordinators' course); a trainee named as the trainer of their own course is
held.

Runs after the roster stage (the commune groups and the trainees exist). Uses only the public staff API
(:func:`cooperare.sync.service.plan_staff` / ``apply_staff``); the names are invented, the e-mails on example.org.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from cooperare.config.roster import RosterConfig
from cooperare.config.staff import StaffAssignment, StaffConfig, StaffMember
from cooperare.sync.service import apply_staff, plan_staff

if TYPE_CHECKING:  # pragma: no cover
    from cooperare.cli.commands.demo import DemoRun

TRAINERS = (("Ioana", "Țăranu"), ("Mihai", "Dumitrescu"), ("Elena", "Vîlcu"), ("Radu", "Ștefănescu"))
TUTORS = (("Ana-Maria", "Lăzărescu"), ("Cătălin", "Mândrescu"), ("Irina", "Bălan"), ("Sorin", "Popa"))


def demo_staff(course_keys: list[str]) -> list[StaffMember]:
    from cooperare.cli.commands.demo_reports import DEMO_COORDINATOR

    people = []
    for index, key in enumerate(course_keys):
        for kind, names, code in (("trainer", TRAINERS, "F"), ("tutor", TUTORS, "T")):
            first, last = names[index % len(names)]
            people.append(StaffMember(key=f"{code}{index + 1:02d}", firstname=first, lastname=last,
                                      email=f"{code.lower()}{index + 1:02d}.formare@example.org",
                                      courses=[StaffAssignment(course=key, kind=kind, groups=["all"])]))
    people.append(StaffMember(key="C01", firstname=DEMO_COORDINATOR["firstname"],
                              lastname=DEMO_COORDINATOR["lastname"], email=DEMO_COORDINATOR["email"],
                              courses=[StaffAssignment(course=key, kind="coordinator") for key in course_keys]))
    return people


def stage_staff(run: DemoRun) -> None:
    catalogue = run.catalogue
    config = RosterConfig()
    people = demo_staff([course.key for _, course in catalogue.courses()])
    before = run.client.transport.stats.calls
    splan = plan_staff(run.client, StaffConfig(people=people), catalogue=catalogue, config=config)
    report = apply_staff(run.client, splan, store=run.store, config=config, command="demo staff")
    done = ", ".join(f"{count} {step}" for step, count in report.done.items())
    calls = run.client.transport.stats.calls - before
    run.app.say(f"{len(people) - 1} trainers and tutors and a coordinator: {done}, in {calls} web-service calls")
    summary: dict[str, object] = {"people": len(people), "done": dict(report.done)}
    # A trainee named as the trainer of their own course is held, never enrolled as its trainer.
    course_idnumber, course = next(iter(splan.state.courses.items()))
    student = next((u for u in run.client.enrol.enrolled_users(course.id, userfields=["email", "roles"])
                    if "student" in u.roles), None)
    if student is not None:
        named = StaffMember(key="F99", firstname=student.fullname or "Cursant", lastname="(cursant)",
                            email=str(student.raw.get("email") or ""),
                            courses=[StaffAssignment(course=course_idnumber.rsplit(":", 1)[-1])])
        held = plan_staff(run.client, StaffConfig(people=[named]), catalogue=catalogue, config=config).holds
        for hold in held:
            run.app.say(f"held: {hold}", style="yellow")
        summary["held"] = [str(h) for h in held]
    run.summary["staff"] = summary
