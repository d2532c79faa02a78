"""Preparing a server process before it takes requests."""

import gc


def warm_and_freeze() -> None:
    """Load what requests need (URL configuration, API schemas, the name-normalisation
    dictionaries), then take those long-lived objects out of the garbage collector's full
    passes, which would otherwise walk millions of dictionary entries and pause requests for
    about 200 ms (measured on the notification inbox)."""
    import drugcontrol.urls  # noqa: F401  (builds the URL resolver and the API schemas)
    from drugcontrol.entities.normalize import normalize_name

    normalize_name("广州天河化工有限公司 Guangzhou Tianhe Chemical Co., Ltd.")
    gc.collect()
    gc.freeze()
