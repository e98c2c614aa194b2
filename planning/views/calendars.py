"""Planning views: calendars (being written)."""

urlpatterns: list = []
