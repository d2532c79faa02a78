"""The NPS pages; one module per part, the names the URLs use are imported here."""

# identification reports, the NPS register, toxicology cases and the watch list
# emergence signals and the dashboard
from drugcontrol.nps.views.dashboard import dashboard as dashboard
from drugcontrol.nps.views.register import register_detail as register_detail
from drugcontrol.nps.views.register import register_list as register_list
from drugcontrol.nps.views.reports import report_create as report_create
from drugcontrol.nps.views.reports import report_detail as report_detail
from drugcontrol.nps.views.reports import report_list as report_list
from drugcontrol.nps.views.signals import signal_detail as signal_detail
from drugcontrol.nps.views.signals import signal_list as signal_list
from drugcontrol.nps.views.signals import signal_settings as signal_settings
from drugcontrol.nps.views.toxicology import case_create as case_create
from drugcontrol.nps.views.toxicology import case_detail as case_detail
from drugcontrol.nps.views.toxicology import case_list as case_list
from drugcontrol.nps.views.watchlist import watch_detail as watch_detail
from drugcontrol.nps.views.watchlist import watch_list as watch_list
