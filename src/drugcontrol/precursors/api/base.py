"""What the precursors API's modules share: the router every route is added to and the
version a step was read at."""

from ninja import Router, Schema

from drugcontrol.core.bounds import Version

router = Router(tags=["precursors"])


class VersionIn(Schema):
    version: Version | None = None
