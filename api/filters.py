"""Query parameters of the lists. A malformed value is a 400 naming the parameter."""

import django_filters
from rest_framework import filters as drf_filters
from rest_framework.exceptions import ValidationError

from audits.models import Audit
from partnership.models import Organisation, Project, Sector, Service


class StrictOrdering(drf_filters.OrderingFilter):
    """Like DRF's, but an unknown field is refused (400) instead of ignored, and the
    id always breaks ties, so pages never repeat or skip a row."""

    def get_ordering(self, request, queryset, view):
        params = request.query_params.get(self.ordering_param)
        valid = {name for name, _ in self.get_valid_fields(queryset, view, {"request": request})}
        if params:
            fields = [term.strip() for term in params.split(",") if term.strip()]
            unknown = [term for term in fields if term.lstrip("-") not in valid]
            if unknown:
                raise ValidationError(
                    {
                        self.ordering_param: [
                            f"Cannot order by {', '.join(unknown)}. "
                            f"Choose from: {', '.join(sorted(valid))}."
                        ]
                    }
                )
        else:
            fields = list(view.ordering)
        if not any(term.lstrip("-") == "id" for term in fields):
            fields.append("id")
        return fields


class OrganisationFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name")
    sector = django_filters.ChoiceFilter(choices=Sector.choices)

    class Meta:
        model = Organisation
        fields = ["name", "sector", "active"]


class ServiceFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the name")
    organisation = django_filters.NumberFilter(help_text="Organisation id")
    sector = django_filters.ChoiceFilter(field_name="organisation__sector", choices=Sector.choices)

    class Meta:
        model = Service
        fields = ["name", "organisation", "sector", "active"]


class ProjectFilter(django_filters.FilterSet):
    title = django_filters.CharFilter(lookup_expr="icontains", help_text="Part of the title")
    service = django_filters.NumberFilter(help_text="Service id")
    organisation = django_filters.NumberFilter(
        field_name="service__organisation", help_text="Organisation id"
    )

    class Meta:
        model = Project
        fields = ["title", "service", "organisation", "status", "active"]


class AuditFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(help_text="Project id")
    service = django_filters.NumberFilter(field_name="project__service", help_text="Service id")
    organisation = django_filters.NumberFilter(
        field_name="project__service__organisation", help_text="Organisation id"
    )
    sector = django_filters.ChoiceFilter(
        field_name="project__service__organisation__sector", choices=Sector.choices
    )
    outcome = django_filters.NumberFilter(
        field_name="outcome__rank", help_text="Overall outcome rank: 1, 2 or 3"
    )
    audit_date_from = django_filters.DateFilter(field_name="audit_date", lookup_expr="gte")
    audit_date_to = django_filters.DateFilter(field_name="audit_date", lookup_expr="lte")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only audits changed at or after this time (ISO 8601), for a nightly sync",
    )

    class Meta:
        model = Audit
        fields = ["status", "framework"]


class ActionFilter(django_filters.FilterSet):
    project = django_filters.NumberFilter(field_name="audit__project", help_text="Project id")
    service = django_filters.NumberFilter(
        field_name="audit__project__service", help_text="Service id"
    )
    organisation = django_filters.NumberFilter(
        field_name="audit__project__service__organisation", help_text="Organisation id"
    )
    owner = django_filters.NumberFilter(help_text="Membership id of the person responsible")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lt")
    due_from = django_filters.DateFilter(field_name="due_date", lookup_expr="gte")
    updated_since = django_filters.IsoDateTimeFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only actions changed at or after this time (ISO 8601), for a nightly sync",
    )

    class Meta:
        from audits.models import Action

        model = Action
        fields = ["status"]


class BoardPackFilter(django_filters.FilterSet):
    class Meta:
        from reporting.models import BoardPack

        model = BoardPack
        fields = ["status"]
