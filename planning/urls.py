"""Each area of planning declares its own URL patterns in its view module."""

from .views import calendars, feeds, grid, tape, transfer

app_name = "planning"

urlpatterns = [
    *grid.urlpatterns,
    *transfer.urlpatterns,
    *tape.urlpatterns,
    *calendars.urlpatterns,
    *feeds.urlpatterns,
]
