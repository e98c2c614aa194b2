from django.conf import settings


def portal(request):
    # The main menu is the layout's `{% main_menu %}` (apprentissage.templatetags.portal),
    # computed once per request when a page shows it (`menus.entries_for_request`).
    return {"DEMO_MODE": settings.DEMO_MODE}
