from django.conf import settings
from django.utils.functional import SimpleLazyObject


def portal(request):
    from apprentissage.menus import entries_for_request

    return {
        "DEMO_MODE": settings.DEMO_MODE,
        # The main menu (apprentissage.menus): computed when a template shows it, once per request.
        "menu_entries": SimpleLazyObject(lambda: entries_for_request(request)),
    }
