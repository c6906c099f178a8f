"""cooperare: Moodle plugin pack and tooling for ACoR's "Cooperare digitală pentru dezvoltare locală".

Layers (imports point downwards only): cli → courses/sync/certificates/reports/consultation_bridge → config/store →
moodle (client) and sandbox (an in-process Moodle for tests and the demo).
"""

__version__ = "0.1.0"
