"""Every write of the nps app: keyword-only arguments, one transaction, one audit event."""

# identification reports, the NPS register, toxicology cases and the watch list
from drugcontrol.nps.services.register import (
    register_effect_group_set as register_effect_group_set,
)
from drugcontrol.nps.services.reports import report_submit as report_submit

# emergence signals
from drugcontrol.nps.services.signals import signal_settings_set as signal_settings_set
from drugcontrol.nps.services.signals import signals_detect as signals_detect
from drugcontrol.nps.services.toxicology import case_report as case_report
from drugcontrol.nps.services.watch_list import watch_add as watch_add
