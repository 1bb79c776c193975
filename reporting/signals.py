"""Move a partnership's portfolio stamps on whenever something the portfolio shows changes.

Connected here, in the app that reads the figures, so that the apps below it need not
know the portfolio exists. Which stamp each change moves is described in cache.py.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

from audits.models import Action, Audit, FamilyRating, FamilyReview, PrincipleAssessment
from partnership.models import Organisation, Project, Service

from .cache import ANY_YEAR, DIRECTORY, NOW, bump, year_name

COUNTED = (Audit.Status.SUBMITTED, Audit.Status.ACCEPTED)


def _bump_later(partnership_id, names):
    if partnership_id and names:
        transaction.on_commit(lambda: bump(partnership_id, sorted(names)))


def _years(*dates):
    names = {year_name(d.year) for d in dates if d}
    return names | {ANY_YEAR} if names else {ANY_YEAR}


def _directory(sender, instance, **kwargs):
    _bump_later(instance.partnership_id, {DIRECTORY})


def _remember(sender, instance, **kwargs):
    # What the audit was when read, so a save can tell what it changed. Read from the
    # instance's own fields: a deferred field must not cost a query per audit loaded.
    fields = instance.__dict__
    instance._portfolio_was = (fields.get("status"), fields.get("audit_date"))


def _audit_changed(sender, instance, created=False, **kwargs):
    deleted = kwargs.get("signal") is post_delete
    status_was, date_was = getattr(instance, "_portfolio_was", (None, None))
    counted = instance.status in COUNTED or status_was in COUNTED
    names = set()
    if counted:
        names |= _years(instance.audit_date, date_was) | {NOW}
    elif created or deleted or status_was != instance.status:
        names.add(NOW)
    _bump_later(instance.partnership_id, names)
    instance._portfolio_was = (instance.status, instance.audit_date)


def _audit_part_changed(audit_id):
    audit = (
        Audit.objects.filter(pk=audit_id)
        .values_list("partnership_id", "status", "audit_date")
        .first()
    )
    # A draft's levels and actions are not counted anywhere: nothing cached changes.
    if audit and audit[1] in COUNTED:
        _bump_later(audit[0], _years(audit[2]))


def _through_audit(sender, instance, **kwargs):
    _audit_part_changed(instance.audit_id)


def _family_review_changed(sender, instance, **kwargs):
    # A review counts once its ratings are sent; asking families, and their drafts, do not.
    if instance.submitted_at:
        _audit_part_changed(instance.audit_id)


def _through_family_review(sender, instance, **kwargs):
    # Families' ratings count once sent, and the levels agreed after them are shown too.
    # Ratings not yet sent are counted nowhere: nothing cached changes.
    audit_id = (
        FamilyReview.objects.filter(pk=instance.review_id, submitted_at__isnull=False)
        .values_list("audit_id")
        .first()
    )
    if audit_id:
        _audit_part_changed(audit_id[0])


def connect():
    for model in (Organisation, Service, Project):
        post_save.connect(_directory, sender=model, dispatch_uid=f"portfolio-{model.__name__}-save")
        post_delete.connect(
            _directory, sender=model, dispatch_uid=f"portfolio-{model.__name__}-del"
        )
    post_init.connect(_remember, sender=Audit, dispatch_uid="portfolio-Audit-init")
    post_save.connect(_audit_changed, sender=Audit, dispatch_uid="portfolio-Audit-save")
    post_delete.connect(_audit_changed, sender=Audit, dispatch_uid="portfolio-Audit-del")
    post_save.connect(
        _through_family_review, sender=FamilyRating, dispatch_uid="portfolio-FamilyRating-save"
    )
    post_delete.connect(
        _through_family_review, sender=FamilyRating, dispatch_uid="portfolio-FamilyRating-del"
    )
    post_save.connect(
        _family_review_changed, sender=FamilyReview, dispatch_uid="portfolio-FamilyReview-save"
    )
    post_delete.connect(
        _family_review_changed, sender=FamilyReview, dispatch_uid="portfolio-FamilyReview-del"
    )
    for model in (PrincipleAssessment, Action):
        post_save.connect(
            _through_audit, sender=model, dispatch_uid=f"portfolio-{model.__name__}-save"
        )
        post_delete.connect(
            _through_audit, sender=model, dispatch_uid=f"portfolio-{model.__name__}-del"
        )
