"""Move a partnership's portfolio stamp on whenever something the portfolio shows changes.

Connected here, in the app that reads the figures, so that the apps below it need not
know the portfolio exists.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from audits.models import Action, Audit, PrincipleAssessment
from partnership.models import Organisation, Project, Service

from .cache import bump_portfolio_version


def _bump_later(partnership_id):
    if partnership_id:
        transaction.on_commit(lambda: bump_portfolio_version(partnership_id))


def _direct(sender, instance, **kwargs):
    _bump_later(instance.partnership_id)


def _through_audit(sender, instance, **kwargs):
    audit = Audit.objects.filter(pk=instance.audit_id).values_list("partnership_id", flat=True)
    _bump_later(next(iter(audit), None))


def connect():
    for model in (Audit, Organisation, Service, Project):
        post_save.connect(_direct, sender=model, dispatch_uid=f"portfolio-{model.__name__}-save")
        post_delete.connect(_direct, sender=model, dispatch_uid=f"portfolio-{model.__name__}-del")
    for model in (PrincipleAssessment, Action):
        post_save.connect(
            _through_audit, sender=model, dispatch_uid=f"portfolio-{model.__name__}-save"
        )
        post_delete.connect(
            _through_audit, sender=model, dispatch_uid=f"portfolio-{model.__name__}-del"
        )
