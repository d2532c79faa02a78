"""A filter compiled to SQL once and reused: for visibility rules whose building and
compiling cost more than the query they produce (the audit log's rule holds the rules of
every record kind whose events follow the record)."""

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db.models import BooleanField, Expression, Q, QuerySet

# The alias the condition is compiled against; replaced, when the condition is used, by the
# alias the query gives the table (the table's name, or U0 and so on inside a subquery).
_PLACEHOLDER = "__precompiled_table__"


class PrecompiledCondition(Expression):
    """A WHERE condition on the rows of one table, as SQL text with its parameters."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, sql: str, params: tuple, alias: str = _PLACEHOLDER):
        super().__init__()
        self.sql, self.params, self.alias = sql, tuple(params), alias

    def resolve_expression(self, query=None, *args, **kwargs):
        clone = self.copy()
        clone.alias = query.get_initial_alias()
        return clone

    def relabeled_clone(self, change_map):
        clone = self.copy()
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(self.alias)
        return self.sql.replace(f"{_PLACEHOLDER}.", f"{table}."), self.params

    def __eq__(self, other):
        return isinstance(other, PrecompiledCondition) and (self.sql, self.params, self.alias) == (
            other.sql,
            other.params,
            other.alias,
        )

    def __hash__(self):
        return hash((self.sql, self.params, self.alias))


def precompile(queryset: QuerySet, condition: Q) -> PrecompiledCondition | bool:
    """`condition` on `queryset`'s model compiled for `queryset`'s database: a condition to
    filter with, or True (every row) or False (no row). The condition may hold subqueries
    but no join: its columns must all be the table's own."""
    query = queryset.model._default_manager.using(queryset.db).filter(condition).query
    if sum(1 for count in query.alias_refcount.values() if count) > 1:
        raise ValueError("a precompiled condition must not join other tables")
    query = query.relabeled_clone({query.get_initial_alias(): _PLACEHOLDER})
    compiler = query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.compile(query.where)
    except EmptyResultSet:
        return False
    except FullResultSet:
        return True
    return PrecompiledCondition(sql, params)
