"""The special surveillance list moved from the precursors app to the substances app without
touching data: a database with entries (and a notification line's reference to one) from
before the move keeps them, in the same table, after migrating forward."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [
    ("substances", "0002_structure_kind_relative"),
    ("precursors", "0009_notification_items"),
    ("incidents", "0005_thread_nationality_place_payment"),
]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_entries_from_before_the_move_are_kept():
    _migrate(BEFORE)
    executor = MigrationExecutor(connection)
    old_state = executor.loader.project_state(BEFORE)
    assert ("precursors", "surveillancechemical") in old_state.models
    assert ("substances", "surveillancechemical") not in old_state.models
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO precursors_surveillancechemical (name, cas, hs_code, notes, edition)"
            " VALUES ('Old entry', '100-52-7', '2912.21', 'from before', '2025')"
        )
        cursor.execute("SELECT id FROM precursors_surveillancechemical WHERE name = 'Old entry'")
        (pk,) = cursor.fetchone()
    leaves = executor.loader.graph.leaf_nodes()
    _migrate(leaves)
    new_state = MigrationExecutor(connection).loader.project_state(leaves)
    assert ("substances", "surveillancechemical") in new_state.models
    assert ("precursors", "surveillancechemical") not in new_state.models

    from drugcontrol.incidents.models import IncidentSubstance
    from drugcontrol.precursors.models import NotificationLine
    from drugcontrol.substances.models import SurveillanceChemical

    entry = SurveillanceChemical.objects.get(pk=pk)
    assert (entry.name, entry.cas, entry.notes, entry.edition) == (
        "Old entry",
        "100-52-7",
        "from before",
        "2025",
    )
    for model in (NotificationLine, IncidentSubstance):
        field = model._meta.get_field("surveillance_chemical")
        assert field.related_model is SurveillanceChemical
