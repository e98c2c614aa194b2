from django.contrib.auth.decorators import login_required
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
    with_study_years,
)


@login_required
def home(request):
    """What is waiting for me, and the people I follow — a section per role held."""
    user = request.user
    school_year = current_school_year()
    roles = roles_of(user)
    own = []
    if Role.APPRENTICE in roles:
        own = list(Apprenticeship.objects.with_people().filter(apprentice=user).order_by("-contract_start"))
    followed = list(followed_apprenticeships(user))
    with_study_years(own + followed, school_year)
    context = {
        "roles": roles,
        "school_year": school_year,
        "todos": todos_for(user),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:10]),
        "own_apprenticeships": own,
        "followed": followed,
        "headcount": headcount_by_option(school_year) if access.is_program_staff(user) else None,
    }
    return render(request, "apprentissage/home.html", context)
