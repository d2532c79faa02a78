"""What the NPS API's modules share: the router every route is added to."""

from ninja import Router

router = Router(tags=["nps"])
