"""`{% reminders_box document %}`: the reminders sent about a document and the button to send
one (templates/lea/includes/reminders.html, context from lea.reminders.reminder_context)."""

from django import template

from lea.reminders import reminder_context

register = template.Library()


@register.inclusion_tag("lea/includes/reminders.html", takes_context=True)
def reminders_box(context, document):
    return reminder_context(context["request"], document)
