from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CompetencyBlock(models.Model):
    """A group of competencies: common to every option (no option) or one option's own.
    Edited by scolarité until the school's official blocks are entered (PRACTICE.md §5)."""

    name = models.CharField(_("name"), max_length=200)
    option = models.ForeignKey(
        "apprentissage.Option",
        verbose_name=_("option"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="competency_blocks",
        help_text=_("Leave empty for a block common to every option."),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("competency block")
        verbose_name_plural = _("competency blocks")
        ordering = ["option_id", "position", "pk"]

    def __str__(self):
        return self.name


class CompetencyQuerySet(models.QuerySet):
    def for_option(self, option):
        """The active competencies an apprentice of `option` is rated on: common ones first."""
        return (
            self.filter(is_active=True)
            .filter(models.Q(block__option__isnull=True) | models.Q(block__option=option))
            .select_related("block")
            .order_by(models.F("block__option").asc(nulls_first=True), "block__position", "position", "pk")
        )


class Competency(models.Model):
    block = models.ForeignKey(
        CompetencyBlock, verbose_name=_("block"), on_delete=models.PROTECT, related_name="competencies"
    )
    code = models.SlugField(_("code"), max_length=30, unique=True)
    label = models.CharField(_("competency"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Retired rather than deleted: fiches filled with it keep their copy anyway.
    is_active = models.BooleanField(_("in use"), default=True)
    history = HistoricalRecords()

    objects = CompetencyQuerySet.as_manager()

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["block__position", "position", "pk"]

    def __str__(self):
        return self.label


def framework_for(option) -> list[dict]:
    """The framework a new fiche is filled with, frozen on it (one query)."""
    return [
        {"code": c.code, "label": c.label, "block": c.block.name}
        for c in Competency.objects.for_option(option)
    ]
