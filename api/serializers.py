"""What the API returns. Nested parts are read from prefetched lists, never queried per row."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from audits.models import Action, Audit, AuditPerson, Evidence, PrincipleAssessment, ReviewComment
from partnership.models import Organisation, Project, Service
from partnership.participation import CycleStage, LadderLevel
from principles.models import Descriptor, Framework, Level, Outcome, Principle
from reporting.models import BoardPack

# --- directory -----------------------------------------------------------------------


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "name", "sector", "active"]


class ServiceSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = Service
        fields = ["id", "organisation", "organisation_name", "name", "description", "active"]


class ProjectSerializer(serializers.ModelSerializer):
    service_name = serializers.CharField(source="service.name", read_only=True)
    organisation = serializers.IntegerField(source="service.organisation_id", read_only=True)
    family_stages = serializers.SerializerMethodField(
        help_text="Stages of the joint commissioning cycle at which families were involved, "
        "in the cycle's order"
    )

    @extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=CycleStage.choices))
    )
    def get_family_stages(self, project):
        return [stage.value for stage in project.family_stages]

    class Meta:
        model = Project
        fields = [
            "id",
            "service",
            "service_name",
            "organisation",
            "title",
            "description",
            "status",
            "start_date",
            "end_date",
            "active",
            "ladder_aim",
            "cycle_stage",
            "family_stages",
            "created_at",
        ]


# Writes: these describe the input for the schema; the pages' forms check the rules.


class OrganisationWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    sector = serializers.ChoiceField(choices=Organisation._meta.get_field("sector").choices)
    active = serializers.BooleanField(required=False, default=True)


class ServiceWriteSerializer(serializers.Serializer):
    organisation = serializers.IntegerField(help_text="Id of an organisation of the partnership")
    name = serializers.CharField(max_length=150)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


class ProjectWriteSerializer(serializers.Serializer):
    service = serializers.IntegerField(help_text="Id of a service of the partnership")
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    status = serializers.ChoiceField(choices=Project.Status.choices)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True, default=None)
    active = serializers.BooleanField(required=False, default=True)
    ladder_aim = serializers.ChoiceField(
        choices=LadderLevel.choices,
        required=False,
        allow_blank=True,
        help_text="The level of the ladder of participation the project aims for",
    )
    cycle_stage = serializers.ChoiceField(
        choices=CycleStage.choices,
        required=False,
        allow_blank=True,
        help_text="The stage of the joint commissioning cycle the project is at",
    )
    family_stages = serializers.ListField(
        child=serializers.ChoiceField(choices=CycleStage.choices),
        required=False,
        help_text="Stages at which families were involved",
    )


# --- frameworks ----------------------------------------------------------------------


class LevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = Level
        fields = ["id", "rank", "name"]


class OutcomeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Outcome
        fields = ["id", "rank", "name"]


class DescriptorSerializer(serializers.ModelSerializer):
    class Meta:
        model = Descriptor
        fields = ["level", "text"]


class PrincipleSerializer(serializers.ModelSerializer):
    commitments = serializers.ListField(source="commitment_list", child=serializers.CharField())
    descriptors = DescriptorSerializer(many=True)

    class Meta:
        model = Principle
        fields = ["id", "number", "title", "commitments", "indicator", "descriptors"]


class FrameworkSerializer(serializers.ModelSerializer):
    levels = LevelSerializer(many=True)
    outcomes = OutcomeSerializer(many=True)
    principles = PrincipleSerializer(many=True)
    shared = serializers.SerializerMethodField()

    class Meta:
        model = Framework
        fields = [
            "id",
            "title",
            "version",
            "status",
            "published_date",
            "source",
            "shared",
            "levels",
            "outcomes",
            "principles",
        ]

    def get_shared(self, framework) -> bool:
        """True for a framework every partnership may use (York 2020)."""
        return framework.partnership_id is None


# --- audits --------------------------------------------------------------------------


class AssessmentBriefSerializer(serializers.ModelSerializer):
    principle = serializers.IntegerField(source="principle.number")
    level = serializers.IntegerField(source="level.rank", allow_null=True, default=None)
    level_name = serializers.CharField(source="level.name", allow_null=True, default=None)

    class Meta:
        model = PrincipleAssessment
        fields = ["principle", "level", "level_name"]


class EvidenceSerializer(serializers.ModelSerializer):
    download = serializers.SerializerMethodField()

    class Meta:
        model = Evidence
        fields = ["id", "kind", "title", "url", "content_type", "size", "added_at", "download"]

    def get_download(self, evidence) -> str | None:
        """The access-checked page that serves the file, for files; null for links."""
        if evidence.kind != Evidence.Kind.FILE:
            return None
        from django.urls import reverse

        path = reverse(
            "audits:evidence_download",
            kwargs={
                "slug": self.context["partnership"].slug,
                "pk": evidence.audit_id,
                "evidence_pk": evidence.pk,
            },
        )
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class AssessmentSerializer(AssessmentBriefSerializer):
    principle_title = serializers.CharField(source="principle.title")
    evidence = EvidenceSerializer(many=True)

    class Meta:
        model = PrincipleAssessment
        fields = ["principle", "principle_title", "level", "level_name", "notes", "evidence"]


class ActionSerializer(serializers.ModelSerializer):
    done = serializers.BooleanField(read_only=True)

    class Meta:
        model = Action
        fields = ["id", "what", "who", "due_date", "done"]


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditPerson
        fields = ["name", "designation"]


class ReviewCommentSerializer(serializers.ModelSerializer):
    principle = serializers.IntegerField(source="principle.number", allow_null=True, default=None)
    author = serializers.CharField(source="author.get_full_name", allow_null=True, default=None)

    class Meta:
        model = ReviewComment
        fields = ["id", "principle", "author", "text", "created_at", "response", "resolved_at"]


@extend_schema_field(AssessmentBriefSerializer(many=True))
class BriefAssessmentsField(serializers.Field):
    """Each principle's level, written as plain values: a page of 100 audits has 600 of
    them, and a nested serializer per assessment would triple the page's time."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, assessments):
        return [
            {
                "principle": a.principle.number,
                "level": a.level.rank if a.level_id else None,
                "level_name": a.level.name if a.level_id else None,
            }
            for a in assessments.all()
        ]


class AuditListSerializer(serializers.ModelSerializer):
    project_title = serializers.CharField(source="project.title")
    service = serializers.IntegerField(source="project.service_id")
    service_name = serializers.CharField(source="project.service.name")
    organisation = serializers.IntegerField(source="project.service.organisation_id")
    organisation_name = serializers.CharField(source="project.service.organisation.name")
    sector = serializers.CharField(source="project.service.organisation.sector")
    outcome = serializers.IntegerField(source="outcome.rank", allow_null=True, default=None)
    outcome_name = serializers.CharField(source="outcome.name", allow_null=True, default=None)
    assessments = BriefAssessmentsField()

    class Meta:
        model = Audit
        fields = [
            "id",
            "project",
            "project_title",
            "service",
            "service_name",
            "organisation",
            "organisation_name",
            "sector",
            "framework",
            "status",
            "audit_date",
            "outcome",
            "outcome_name",
            "ladder_reached",
            "review_date",
            "submitted_at",
            "accepted_at",
            "updated_at",
            "assessments",
        ]


class AuditSerializer(AuditListSerializer):
    assessments = AssessmentSerializer(many=True)
    people = PersonSerializer(many=True)
    actions = ActionSerializer(many=True)
    comments = ReviewCommentSerializer(many=True)

    class Meta(AuditListSerializer.Meta):
        fields = [
            *AuditListSerializer.Meta.fields,
            "summary",
            "signed_name",
            "signed_designation",
            "signed_at",
            "people",
            "actions",
            "comments",
        ]


# --- the action plan -----------------------------------------------------------------


class ActionUpdateSerializer(serializers.Serializer):
    status = serializers.CharField()
    note = serializers.CharField()
    done_on = serializers.DateField(allow_null=True)
    by = serializers.CharField(source="by.get_full_name", allow_null=True, default=None)
    at = serializers.DateTimeField()


class ActionPlanSerializer(serializers.ModelSerializer):
    """An action of an accepted audit, as the Actions pages show it."""

    audit = serializers.IntegerField(source="audit_id", read_only=True)
    project = serializers.IntegerField(source="audit.project_id", read_only=True)
    project_title = serializers.CharField(source="audit.project.title", read_only=True)
    service = serializers.IntegerField(source="audit.project.service_id", read_only=True)
    owner = serializers.IntegerField(source="owner_id", allow_null=True, read_only=True)
    owner_name = serializers.CharField(read_only=True)

    class Meta:
        model = Action
        fields = [
            "id",
            "audit",
            "project",
            "project_title",
            "service",
            "what",
            "owner",
            "owner_name",
            "due_date",
            "status",
            "done_on",
            "carried_forward",
            "updated_at",
        ]


class ActionDetailSerializer(ActionPlanSerializer):
    updates = ActionUpdateSerializer(many=True, read_only=True)

    class Meta(ActionPlanSerializer.Meta):
        fields = [*ActionPlanSerializer.Meta.fields, "updates"]


class ActionProgressSerializer(serializers.Serializer):
    """Progress on an action, as the action's page records it."""

    status = serializers.ChoiceField(choices=Action.Status.choices)
    note = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="What has happened; evidence"
    )
    done_on = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text="For a done action; today when not given",
    )
    owner = serializers.IntegerField(
        required=False,
        allow_null=True,
        help_text="Membership id of the person responsible; the current one when not given",
    )
    who = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=150,
        help_text="A typed name, for someone who is not a member (instead of owner)",
    )


# --- board packs ---------------------------------------------------------------------


class BoardPackSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=BoardPack.Status.choices)
    message = serializers.CharField(help_text="Where the pack is, in words")
    period_label = serializers.CharField()
    filters = serializers.DictField(child=serializers.CharField())
    filters_text = serializers.CharField()
    progress_done = serializers.IntegerField()
    progress_total = serializers.IntegerField()
    failure_reason = serializers.CharField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)
    audit_count = serializers.IntegerField()
    page_count = serializers.IntegerField()
    size = serializers.IntegerField()
    url = serializers.CharField(help_text="This pack in the API")
    page = serializers.CharField(help_text="The pack's page in the product")
    download = serializers.CharField(
        allow_null=True,
        help_text="The access-checked page that serves the PDF, once ready (signed in)",
    )


class BoardPackRequestSerializer(serializers.Serializer):
    """The portfolio's filters, as the dashboard and the pack page take them."""

    period = serializers.CharField(required=False, help_text="all, 12m, fy2025, cy2025, custom")
    to = serializers.DateField(required=False)
    organisation = serializers.IntegerField(required=False)
    sector = serializers.CharField(required=False)
    service = serializers.IntegerField(required=False)
    outcome = serializers.IntegerField(required=False)

    def get_fields(self):
        fields = super().get_fields()
        # `from` is a Python keyword; the field is declared by name.
        fields["from"] = serializers.DateField(required=False, help_text="With period=custom")
        return fields
