"""Every write of the nps app: keyword-only arguments, one transaction, one audit event."""

# identification reports, the NPS register, toxicology cases and the watch list
from drugcontrol.nps.services.register import (
    register_effect_group_set as register_effect_group_set,
)
from drugcontrol.nps.services.reports import report_submit as report_submit
from drugcontrol.nps.services.toxicology import case_report as case_report
from drugcontrol.nps.services.watch_list import watch_add as watch_add
