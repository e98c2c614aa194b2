from django.conf import settings
from django.utils.functional import SimpleLazyObject


def portal(request):
    from apprentissage.menus import entries_for_request, sections_for_request

    return {
        "DEMO_MODE": settings.DEMO_MODE,
        # The main menu (apprentissage.menus): computed when a template shows it, once per request.
        "menu_entries": SimpleLazyObject(lambda: entries_for_request(request)),
        # The same, grouped for the menu bar (one drop-down menu per group).
        "menu_sections": SimpleLazyObject(lambda: sections_for_request(request)),
    }
