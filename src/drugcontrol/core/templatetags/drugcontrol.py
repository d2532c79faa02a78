from django import template

from drugcontrol.core.labels import action_label, record_type_label

register = template.Library()

register.filter("action_label", action_label)
register.filter("record_type_label", record_type_label)
