"""The CLI's command groups; each module defines one click group or command, listed in ALL."""

from cooperare.cli.commands import (
       consultation_moodle,  # noqa: F401  (adds its commands to consultation)
       consultation_register,  # noqa: F401  (adds its commands to consultation)
       diagnostic_moodle,  # noqa: F401  (adds its commands to diagnostic)
)
from cooperare.cli.commands.catalogue import catalogue
from cooperare.cli.commands.certificates import certificates
from cooperare.cli.commands.consultation import consultation
from cooperare.cli.commands.courses import courses
from cooperare.cli.commands.demo import demo
from cooperare.cli.commands.diagnostic import diagnostic
from cooperare.cli.commands.events import events
from cooperare.cli.commands.langpack import langpack
from cooperare.cli.commands.manual import manual
from cooperare.cli.commands.moodle import moodle
from cooperare.cli.commands.pilot import pilot
from cooperare.cli.commands.plugin import plugin
from cooperare.cli.commands.report import report
from cooperare.cli.commands.roster import roster
from cooperare.cli.commands.sandbox import sandbox
from cooperare.cli.commands.staff import staff

ALL = [catalogue, courses, moodle, plugin, sandbox, demo, certificates, report, roster, diagnostic, manual,
       consultation, events, staff, pilot, langpack]
