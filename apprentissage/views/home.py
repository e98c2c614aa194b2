from django.contrib.auth.decorators import login_required
from django.db.models import Count, Window
from django.shortcuts import render

from apprentissage import rules as access
from apprentissage.dashboard import todos_for
from apprentissage.enums import Role
from apprentissage.models import Apprenticeship
from apprentissage.selectors import (
    as_table_rows,
    current_school_year,
    followed_apprenticeships,
    headcount_by_option,
    roles_of,
    with_study_years,
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
        own = Apprenticeship.objects.select_related(
            "company", "company_tutor", "school_tutor", "option", "cohort"
        )
        own = list(own.filter(apprentice=user).order_by("-contract_start"))
        for apprenticeship in own:
            apprenticeship.apprentice = user  # no join for the apprentice: it is `user`
    # At most HOME_FOLLOWED of them: their keys and the total first, in a query without the
    # people's joins (PostgreSQL plans a LIMIT over eight joins in ~20 ms), then their rows.
    first, followed = [], []
    if access.follows_apprentices(user):  # a user fact: no query for those who follow no one
        first = followed_apprenticeships(user).annotate(total=Window(Count("pk"))).values_list("pk", "total")
        first = list(first[:HOME_FOLLOWED])
        followed = list(
            as_table_rows(followed_apprenticeships(user).filter(pk__in=[pk for pk, _total in first]))
        )
    with_study_years([*own, *followed], school_year)  # one query for both lists
    context = {
        "roles": roles,
        "school_year": school_year,
        "todos": todos_for(user),
        "notifications": list(user.notifications.filter(read_at__isnull=True)[:10]),
        "own_apprenticeships": own,
        "followed": followed,
        "followed_total": first[0][1] if first else 0,
        "headcount": headcount_by_option(school_year) if access.is_program_staff(user) else None,
    }
    return render(request, "apprentissage/home.html", context)
