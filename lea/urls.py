"""Each area of the LEA declares its own URL patterns in its view module."""

from .views import boards, booklet, fiches, framework, plans, projects, reminders, visits

app_name = "lea"

urlpatterns = [
    *booklet.urlpatterns,
    *fiches.urlpatterns,
    *visits.urlpatterns,
    *plans.urlpatterns,
    *projects.urlpatterns,
    *reminders.urlpatterns,
    *boards.urlpatterns,
    *framework.urlpatterns,
]
