"""The API's views. Every queryset starts from request.partnership and the caller's
scope, exactly as the pages do; writes go through the apps' services.py."""

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from audits.models import Audit, Evidence, PrincipleAssessment, ReviewComment
from partnership import services as directory
from partnership.access import ALL_ROLES, MANAGERS, PORTFOLIO_VIEWERS
from partnership.forms import OrganisationForm, ProjectForm, ServiceForm
from partnership.models import Organisation, Project, Service
from principles.models import Framework
from principles.selectors import frameworks_for_display
from reporting.filters import parse_filters

from . import serializers as s
from .access import PartnershipScopedMixin
from .filters import AuditFilter, OrganisationFilter, ProjectFilter, ServiceFilter, StrictOrdering
from .portfolio import FILTER_PARAMETERS, PortfolioSerializer, portfolio_figures

SLUG = OpenApiParameter(
    "slug", OpenApiTypes.STR, OpenApiParameter.PATH, description="The partnership, e.g. york"
)
ERRORS = {
    400: OpenApiResponse(description="A query parameter or field is malformed; it is named"),
    401: OpenApiResponse(description="No credentials, or the key is unknown, revoked or expired"),
    403: OpenApiResponse(description="The role, or a read-only key, does not allow this"),
    404: OpenApiResponse(description="No such partnership or object, or not the caller's"),
    429: OpenApiResponse(description="Too many requests for this key; retry later"),
}
READ_ERRORS = {code: r for code, r in ERRORS.items() if code != 400}
READ_ERRORS[400] = OpenApiResponse(description="A query parameter is malformed; it is named")
WRITE_ERRORS = ERRORS


class ScopedViewSet(PartnershipScopedMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend, StrictOrdering]
    lookup_value_converter = "int"
    model = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema is built without a request
            return self.model.objects.none()
        return self.scoped_queryset()


# --- directory -----------------------------------------------------------------------


class DirectoryWriteMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and change with the pages' forms checking the rules and the directory
    services writing. A PATCH fills in the fields not sent from the stored object."""

    form_class = None
    write_serializer_class = None
    write_roles = MANAGERS

    def form_data(self, data, instance):
        raise NotImplementedError

    def save(self, form, instance):
        raise NotImplementedError

    def _write(self, request, instance, partial):
        incoming = self.write_serializer_class(data=request.data, partial=partial)
        incoming.is_valid(raise_exception=True)
        data = self.form_data(incoming.validated_data, instance)
        form = self.form_class(data, partnership=request.partnership, instance=instance)
        if not form.is_valid():
            errors = {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in form.errors.items()
            }
            raise ValidationError(errors)
        saved = self.save(form.cleaned_data, instance)
        return Response(
            self.get_serializer(saved).data,
            status=status.HTTP_200_OK if instance else status.HTTP_201_CREATED,
        )

    def create(self, request, *args, **kwargs):
        return self._write(request, None, partial=False)

    def update(self, request, *args, **kwargs):
        return self._write(request, self.get_object(), partial=kwargs.get("partial", False))


def _value(validated, instance, name, default=None):
    if name in validated:
        return validated[name]
    return getattr(instance, name, default) if instance is not None else default


def _doc(summary, response, errors=READ_ERRORS, request=None, status_code=200):
    return extend_schema(
        summary=summary,
        parameters=[SLUG],
        request=request,
        responses={status_code: response, **errors},
    )


def _directory_schema(kind, write, read):
    article = "an" if kind[0] in "aeiou" else "a"
    return extend_schema_view(
        list=_doc(f"List {kind}s", read(many=True)),
        retrieve=_doc(f"One {kind}", read),
        create=_doc(f"Add {article} {kind} (admins)", read, WRITE_ERRORS, write, 201),
        update=_doc(f"Change {article} {kind} (admins)", read, WRITE_ERRORS, write),
        partial_update=_doc(
            f"Change some fields of {article} {kind} (admins)", read, WRITE_ERRORS, write
        ),
    )


@_directory_schema("organisation", s.OrganisationWriteSerializer, s.OrganisationSerializer)
class OrganisationViewSet(
    DirectoryWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Organisations of the partnership. Read: admins (as the directory pages)."""

    read_roles = MANAGERS
    serializer_class = s.OrganisationSerializer
    filterset_class = OrganisationFilter
    ordering_fields = ["id", "name", "sector"]
    ordering = ["name"]
    form_class = OrganisationForm
    write_serializer_class = s.OrganisationWriteSerializer

    model = Organisation

    def scoped_queryset(self):
        return Organisation.objects.for_partnership(self.request.partnership)

    def form_data(self, v, instance):
        return {
            "name": _value(v, instance, "name", ""),
            "sector": _value(v, instance, "sector", ""),
            "active": _value(v, instance, "active", True),
        }

    def save(self, data, instance):
        if instance is None:
            return directory.organisation_create(
                partnership=self.request.partnership, name=data["name"], sector=data["sector"]
            )
        return directory.organisation_update(
            organisation=instance, name=data["name"], sector=data["sector"], active=data["active"]
        )


@_directory_schema("service", s.ServiceWriteSerializer, s.ServiceSerializer)
class ServiceViewSet(
    DirectoryWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Services of the partnership. Read: admins (as the directory pages)."""

    read_roles = MANAGERS
    serializer_class = s.ServiceSerializer
    filterset_class = ServiceFilter
    ordering_fields = ["id", "name", "organisation__name"]
    ordering = ["organisation__name", "name"]
    form_class = ServiceForm
    write_serializer_class = s.ServiceWriteSerializer

    model = Service

    def scoped_queryset(self):
        return Service.objects.for_partnership(self.request.partnership).select_related(
            "organisation"
        )

    def form_data(self, v, instance):
        return {
            "organisation": v.get("organisation", instance.organisation_id if instance else None),
            "name": _value(v, instance, "name", ""),
            "description": _value(v, instance, "description", ""),
            "active": _value(v, instance, "active", True),
        }

    def save(self, data, instance):
        if instance is None:
            return directory.service_create(
                organisation=data["organisation"],
                name=data["name"],
                description=data["description"],
            )
        return directory.service_update(
            service=instance,
            organisation=data["organisation"],
            name=data["name"],
            description=data["description"],
            active=data["active"],
        )


@_directory_schema("project", s.ProjectWriteSerializer, s.ProjectSerializer)
class ProjectViewSet(
    DirectoryWriteMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet
):
    """Projects: everything for admins, commissioners and board members; a service
    lead's own services; nothing for family partners (as the project pages)."""

    read_roles = ALL_ROLES
    serializer_class = s.ProjectSerializer
    filterset_class = ProjectFilter
    ordering_fields = ["id", "title", "start_date", "created_at", "status"]
    ordering = ["title"]
    form_class = ProjectForm
    write_serializer_class = s.ProjectWriteSerializer

    model = Project

    def scoped_queryset(self):
        return Project.objects.visible_to(self.request.membership).select_related("service")

    def form_data(self, v, instance):
        end = _value(v, instance, "end_date", None)
        return {
            "service": v.get("service", instance.service_id if instance else None),
            "title": _value(v, instance, "title", ""),
            "description": _value(v, instance, "description", ""),
            "status": _value(v, instance, "status", ""),
            "start_date": _value(v, instance, "start_date", None),
            "end_date": end or "",
            "active": _value(v, instance, "active", True),
            "ladder_aim": _value(v, instance, "ladder_aim", ""),
            "cycle_stage": _value(v, instance, "cycle_stage", ""),
            "family_stages": [str(stage) for stage in _value(v, instance, "family_stages", [])],
        }

    def save(self, data, instance):
        fields = {
            "service": data["service"],
            "title": data["title"],
            "description": data["description"],
            "status": data["status"],
            "start_date": data["start_date"],
            "end_date": data.get("end_date"),
            "ladder_aim": data.get("ladder_aim") or "",
            "cycle_stage": data.get("cycle_stage") or "",
            "family_stages": data.get("family_stages") or [],
        }
        if instance is None:
            return directory.project_create(**fields)
        return directory.project_update(project=instance, active=data["active"], **fields)


# --- frameworks ----------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Frameworks the partnership may use, with every part",
        parameters=[SLUG],
        responses={200: s.FrameworkSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One framework with principles, levels and descriptors",
        parameters=[SLUG],
        responses={200: s.FrameworkSerializer, **READ_ERRORS},
    ),
)
class FrameworkViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Frameworks: every role, as the framework pages."""

    serializer_class = s.FrameworkSerializer
    filterset_fields = ["status"]
    ordering_fields = ["id", "title", "version"]
    ordering = ["title", "-version"]

    model = Framework

    def scoped_queryset(self):
        return frameworks_for_display(self.request.partnership)


# --- audits --------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Audits, with each principle's level",
        parameters=[SLUG],
        responses={200: s.AuditListSerializer(many=True), **READ_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One audit: assessments, evidence, actions, comments",
        parameters=[SLUG],
        responses={200: s.AuditSerializer, **READ_ERRORS},
    ),
)
class AuditViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Audits a caller may read, as the audit pages: admins and commissioners all; a
    service lead their services' and accepted ones; board members accepted ones."""

    filterset_class = AuditFilter
    ordering_fields = ["id", "audit_date", "updated_at", "accepted_at", "submitted_at", "status"]
    ordering = ["-updated_at"]

    def get_serializer_class(self):
        return s.AuditListSerializer if self.action == "list" else s.AuditSerializer

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "partnership": self.request.partnership}

    model = Audit

    def scoped_queryset(self):
        audits = Audit.objects.visible_to(self.request.membership)
        brief = PrincipleAssessment.objects.select_related("principle", "level").order_by(
            "principle__number"
        )
        if self.action == "list":
            # The page is chosen on the audits table alone, then its projects, services
            # and organisations are fetched for those rows: joining them before sorting
            # would join every audit of the partnership to pick a hundred.
            return audits.prefetch_related(
                "project__service__organisation",
                "outcome",
                Prefetch("assessments", queryset=brief),
            )
        return audits.select_related("project__service__organisation", "outcome").prefetch_related(
            Prefetch(
                "assessments",
                queryset=brief.prefetch_related(
                    Prefetch("evidence", queryset=Evidence.objects.order_by("added_at", "pk"))
                ),
            ),
            "people",
            "actions",
            Prefetch(
                "comments", queryset=ReviewComment.objects.select_related("author", "principle")
            ),
        )


# --- portfolio -----------------------------------------------------------------------

PORTFOLIO_PARAMETERS = [
    SLUG,
    OpenApiParameter(
        "period", str, description="all, 12m, fy2025 (financial year), cy2025, or custom"
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="With period=custom: first date"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="With period=custom: last date"),
    OpenApiParameter("organisation", int, description="Organisation id"),
    OpenApiParameter("service", int, description="Service id"),
    OpenApiParameter("sector", str, description="Sector of the organisation"),
    OpenApiParameter("outcome", int, description="Overall outcome rank: 1, 2 or 3"),
    OpenApiParameter("include_submitted", bool, description="Count submitted audits too"),
]


class PortfolioView(PartnershipScopedMixin, APIView):
    """The portfolio dashboard's figures, with the dashboard's filters."""

    read_roles = PORTFOLIO_VIEWERS

    @extend_schema(
        summary="Portfolio figures: headline, heat map, profile, trend",
        parameters=PORTFOLIO_PARAMETERS,
        responses={200: PortfolioSerializer, **READ_ERRORS},
    )
    def get(self, request, slug):
        filters = parse_filters(request.query_params, request.partnership, request.membership)
        if filters.problems:
            raise ValidationError(
                {
                    FILTER_PARAMETERS.get(label, label): [f"“{label}” was not recognised."]
                    for label in filters.problems
                }
            )
        return Response(portfolio_figures(request.partnership, filters))
