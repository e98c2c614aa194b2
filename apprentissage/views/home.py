from django.contrib.auth.decorators import login_required
from django.db.models import Count, Window
from django.shortcuts import render

from apprentissage import rules as access
from apprentissage.dashboard import todos_for
from apprentissage.enums import Role
from apprentissage.models import Apprenticeship
from apprentissage.selectors import (
    current_school_year,
    followed_apprenticeships,
    headcount_by_option,
    roles_of,
)

HOME_FOLLOWED = 20  # apprentices listed on the home page; the rest on the apprenticeship list


@login_required
def home(request):
    """What is waiting for me, and the people I follow — a section per role held."""
    user = request.user
    school_year = current_school_year()
    roles = roles_of(user)
    own = []
    if Role.APPRENTICE in roles:
        own = list(Apprenticeship.objects.with_people().filter(apprentice=user).order_by("-contract_start"))
    # At most HOME_FOLLOWED of them, the total riding along in the same query.
    followed = list(
        followed_apprenticeships(user).annotate(followed_total=Window(Count("pk")))[:HOME_FOLLOWED]
    )
    for apprenticeship in own + followed:
        apprenticeship.current_study_year = apprenticeship.study_year_in(school_year)
    context = {
        "roles": roles,
        "school_year": school_year,
        "todos": todos_for(user),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:10]),
        "own_apprenticeships": own,
        "followed": followed,
        "followed_total": followed[0].followed_total if followed else 0,
        "headcount": headcount_by_option(school_year) if access.is_program_staff(user) else None,
    }
    return render(request, "apprentissage/home.html", context)
