"""What a new user stumbled on in recruitment (issue 8, §3): the invited company contact's
role, their e-mail, drafts that keep them on the form, and the accord's form itself."""

import pytest
from django.urls import reverse

from apprentissage.enums import Role
from apprentissage.selectors import roles_of

NO_ROLE = "Aucun rôle n'est encore associé à votre compte"


def test_invited_contact_of_a_dossier_holds_the_company_contact_role(world, login):
    # Arrange: the contact named by a candidate, invited, no company linked until the accord is signed
    contact = world.other_dossier.contact
    assert not contact.company_contacts.exists()

    # Act
    response = login(contact).get(reverse("home"))

    # Assert
    assert roles_of(contact) == [Role.COMPANY_CONTACT]
    assert response.context["roles"] == [Role.COMPANY_CONTACT]
    assert response.context["todos"]
    assert NO_ROLE not in response.content.decode()
