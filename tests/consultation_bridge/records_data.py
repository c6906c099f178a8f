"""Shared test data for the consultation register, answers, reports and export: an outline and contributions with
untrusted text (markup, formulas, right-to-left, emoji, diacritics), a late one and a duplicate."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from cooperare.consultation_bridge.outline import ConsultationOutline, OutlinePart
from cooperare.consultation_bridge.register import ContributionInput

CID = "consultare-test"
UNTIL = date(2026, 9, 27)
OUTLINE = ConsultationOutline(
    id=CID, title="Regulamentul de transparență al comunei Șușani", authority="Comuna Șușani",
    parts=(OutlinePart("art-1", "Articolul 1 – Obiectul"), OutlinePart("art-2", "Articolul 2 – Ședințe publice"),
           OutlinePart("art-3", "Articolul 3 – Dispoziții finale")),
    recommendations_until=UNTIL)

SCRIPT = "<script>alert('x')</script> Propun ședințe și seara"
FORMULA = '=HYPERLINK("http://rău.example","clic")'
RTL = "اقتراح: نشر المحضر – שקיפות"
EMOJI = "Foarte bine 👍🏽 mulțumim"
DIACRITICS = "Țăranii și școlile din Ânțești să fie înștiințați"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 9, day, hour, tzinfo=UTC)


def items() -> list[ContributionInput]:
    return [
        ContributionInput(source_key="forum-post:1", part_key="art-1", category="citizen", author_name="Ion Popescu",
                          author_email="ion@example.ro", submitted_at=at(10), text=SCRIPT),
        ContributionInput(source_key="forum-post:2", part_key="art-2", category="ngo",
                          author_name="Asociația „Viitorul” Șușani", name_public=True, author_id="user:7",
                          submitted_at=at(11), text=FORMULA),
        ContributionInput(source_key="feedback-response:3", part_key="art-2", category="citizen",
                          author_name="Maria Ionescu", name_public=True, author_email="maria@example.ro",
                          submitted_at=at(12), text=RTL),
        ContributionInput(source_key="feedback-response:4", part_key="art-3", category="authority",
                          author_name="Primăria Șușani", name_public=True, author_id="user:9",
                          submitted_at=at(13), text=EMOJI),
        ContributionInput(source_key="forum-post:5", part_key="art-1", category="other", author_name="Ana Țuțea",
                          author_email="ana@example.ro", submitted_at=at(14), text=DIACRITICS),
        # the same citizen posts the same proposal again, typed differently: a duplicate of forum-post:1
        ContributionInput(source_key="forum-post:6", part_key="art-1", category="citizen", author_name="Ion Popescu",
                          author_email="ION@example.ro", submitted_at=at(15),
                          text="  <SCRIPT>alert('x')</SCRIPT>   propun şedinţe şi seara!  "),
        # after the window: 21:30 UTC on 27 September is already 00:30 on the 28th in Bucharest
        ContributionInput(source_key="forum-post:7", part_key="art-3", category="citizen", author_name="Dan Vlad",
                          author_email="dan@example.ro", submitted_at=datetime(2026, 9, 27, 21, 30, tzinfo=UTC),
                          text="Trimit mai târziu: termenul e prea scurt."),
    ]


def late_but_in_time() -> datetime:
    """27 September 23:59 in Bucharest, still in time."""
    return datetime(2026, 9, 27, 20, 59, tzinfo=UTC) + timedelta(seconds=59)
