from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Diploma(models.TextChoices):
    BUT = "but", _("BUT")
    DUT = "dut", _("DUT")
    BTS = "bts", _("BTS")
    L2 = "l2", _("L2 (second year of a bachelor's degree)")
    L3 = "l3", _("Bachelor's degree (L3)")
    OTHER_BAC2 = "other_bac2", _("Other bac+2 or equivalent")
    BELOW_BAC2 = "below_bac2", _("Below bac+2")


class DossierState(models.TextChoices):
    COMPANY_INVITED = "company_invited", _("Accord préalable being filled by the company")
    ACCORD_SIGNED = "accord_signed", _("Accord préalable signed, awaiting the school")
    WAITLISTED = "waitlisted", _("On the waiting list")
    PLACE_RESERVED = "place_reserved", _("Place reserved, missions awaiting validation")
    WITH_MIDISUP = "with_midisup", _("Handed to MidiSup")
    CONVENTION_SIGNED = "convention_signed", _("Training agreement signed")
    CONTRACT_SIGNED = "contract_signed", _("Apprenticeship contract signed")
    SENT_TO_OPCO = "sent_to_opco", _("Sent to the OPCO")
    REGISTERED = "registered", _("Contract registered")
    WITHDRAWN = "withdrawn", pgettext_lazy("dossier", "Withdrawn")
    CANCELLED = "cancelled", pgettext_lazy("dossier", "Cancelled")

    @classmethod
    def final(cls) -> set[str]:
        return {cls.REGISTERED, cls.WITHDRAWN, cls.CANCELLED}

    @classmethod
    def open(cls) -> list[str]:
        return [s for s in cls.values if s not in cls.final()]

    @classmethod
    def holding_a_place(cls) -> list[str]:
        """States in which the dossier counts against its option's capacity."""
        return [
            cls.PLACE_RESERVED,
            cls.WITH_MIDISUP,
            cls.CONVENTION_SIGNED,
            cls.CONTRACT_SIGNED,
            cls.SENT_TO_OPCO,
            cls.REGISTERED,
        ]

    @classmethod
    def with_midisup(cls) -> list[str]:
        return [cls.WITH_MIDISUP, cls.CONVENTION_SIGNED, cls.CONTRACT_SIGNED, cls.SENT_TO_OPCO]


class MissionSheetState(models.TextChoices):
    DRAFT = "draft", _("Being written by the company")
    SUBMITTED = "submitted", _("Submitted to the option lead")
    RETURNED = "returned", _("Sent back with remarks")
    VALIDATED = "validated", _("Validated")


class MissionFamily(models.TextChoices):
    STUDIES = "studies", _("Studies, engineering, R&D")
    PRODUCTION = "production", _("Production and logistics of goods and services")
    SUPPORT = "support", _("Production support: quality, maintenance, continuous improvement")


class ExpectedLevel(models.TextChoices):
    TECHNICIAN = "technician", _("Senior technician (technicien supérieur)")
    ASSISTANT_ENGINEER = "assistant", _("Supervisor / assistant engineer")
    JUNIOR_ENGINEER = "junior", _("Beginning engineer")
