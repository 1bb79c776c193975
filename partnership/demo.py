"""Demo partnerships, directory and role accounts. Loading twice changes nothing."""

from datetime import date

from django.db import transaction

from .models import Membership, Organisation, Partnership, Project, Role, Sector, Service, User

DEMO_PASSWORD = "demo-partnership-2026"

YORK = {
    "partnership": {
        "name": "York SEND Partnership",
        "slug": "york",
        "local_area": "City of York",
        "board_name": "SEND Improvement Board",
    },
    "organisations": {
        ("City of York Council", Sector.LOCAL_AUTHORITY): {
            "Short Breaks": "Short breaks and activities for disabled children and young people.",
            "Specialist Teaching Team": "Advice and teaching support for schools and settings.",
            "Educational Psychology": "Assessment and consultation for children with SEND.",
            "Preparing for Adulthood": "Support for young people aged 14 to 25 into adult life.",
            "Early Years Inclusion": "Inclusion support for nurseries and childminders.",
        },
        ("NHS Vale of York CCG", Sector.HEALTH): {
            "SEND Health Commissioning": "Commissioning health provision for children with SEND.",
        },
        ("York Teaching Hospital NHS Foundation Trust", Sector.HEALTH): {
            "Children's Therapies": "Speech and language, occupational and physiotherapy.",
            "Child Development Centre": "Multi-disciplinary assessment for young children.",
        },
        ("York Inspirational Kids", Sector.PARENT_CARER_FORUM): {
            "Parent Carer Forum": "The voice of parent carers of children with SEND in York.",
        },
        ("SENDIASS York", Sector.ADVOCACY): {
            "Information, Advice and Support": "Impartial information and advice for families.",
        },
        ("York College", Sector.EDUCATION): {
            "Learning Support": "Support for students with SEND in further education.",
        },
        ("Applefields School", Sector.EDUCATION): {
            "Sixth Form Transition": "Moving on from school to college, work or training.",
        },
    },
    "projects": [
        (
            "Short Breaks",
            "Redesign of the short breaks offer",
            "Reviewing the short breaks offer with families so that activities, booking and "
            "eligibility reflect what children and parent carers told us matters most.",
            "active",
            date(2023, 4, 1),
        ),
        (
            "Short Breaks",
            "Holiday activity programme for disabled young people",
            "Co-designing summer and Easter holiday activities with young people and providers.",
            "complete",
            date(2022, 5, 1),
        ),
        (
            "Children's Therapies",
            "Speech and language therapy waiting list",
            "Working with parent carers to design support offered while families wait for "
            "speech and language therapy assessment.",
            "active",
            date(2023, 9, 1),
        ),
        (
            "Children's Therapies",
            "Occupational therapy advice line",
            "Setting up an advice line for parents and schools, designed with families.",
            "planned",
            date(2025, 1, 6),
        ),
        (
            "Specialist Teaching Team",
            "Autism training for mainstream schools",
            "Training for school staff co-delivered by autistic young people and parent carers.",
            "active",
            date(2023, 1, 9),
        ),
        (
            "Educational Psychology",
            "EHC needs assessment: advice written with families",
            "Changing how psychological advice is gathered so families and young people shape it.",
            "active",
            date(2024, 2, 1),
        ),
        (
            "Preparing for Adulthood",
            "Preparing for Adulthood pathway",
            "A pathway from 14 to 25 covering employment, independent living, friendships and "
            "health, written with young people.",
            "active",
            date(2022, 10, 3),
        ),
        (
            "Preparing for Adulthood",
            "Supported internships",
            "Expanding supported internships with employers, the college and young people.",
            "planned",
            date(2025, 9, 1),
        ),
        (
            "Early Years Inclusion",
            "Early years SEND support funding",
            "Making the inclusion funding process clearer for settings and parents.",
            "complete",
            date(2022, 3, 1),
        ),
        (
            "SEND Health Commissioning",
            "Neurodevelopmental pathway redesign",
            "Redesigning the autism and ADHD assessment pathway with families and clinicians.",
            "active",
            date(2023, 6, 1),
        ),
        (
            "Child Development Centre",
            "Family-friendly clinic letters",
            "Rewriting appointment and outcome letters with parent carers.",
            "complete",
            date(2022, 7, 1),
        ),
        (
            "Parent Carer Forum",
            "Local Offer website review",
            "Parent carers and young people review the SEND Local Offer website.",
            "active",
            date(2024, 4, 15),
        ),
        (
            "Information, Advice and Support",
            "Young people's advice drop-ins",
            "Drop-in advice sessions planned and run with young people.",
            "active",
            date(2024, 1, 8),
        ),
        (
            "Learning Support",
            "Transition days for new students",
            "Taster days for students with SEND, shaped by current students.",
            "active",
            date(2023, 11, 1),
        ),
    ],
}

HEREFORDSHIRE = {
    "partnership": {
        "name": "Herefordshire SEND Partnership",
        "slug": "herefordshire",
        "local_area": "Herefordshire",
        "board_name": "SEND Improvement Board",
    },
    "organisations": {
        ("Herefordshire Council", Sector.LOCAL_AUTHORITY): {
            "Short Breaks": "Short breaks for disabled children in Herefordshire.",
            "SEN Assessment Team": "Education, health and care needs assessments.",
        },
        ("NHS Herefordshire and Worcestershire ICB", Sector.HEALTH): {
            "Children's Community Health": "Community health services for children.",
        },
        ("Herefordshire Parent Carer Voice", Sector.PARENT_CARER_FORUM): {
            "Parent Carer Voice": "The parent carer forum for Herefordshire.",
        },
    },
    "projects": [
        (
            "SEN Assessment Team",
            "Co-produced EHC plan template",
            "Rewriting the EHC plan template with families so plans are clear and personal.",
            "active",
            date(2024, 3, 1),
        ),
        (
            "Short Breaks",
            "Short breaks statement review",
            "Reviewing the short breaks statement with parent carers.",
            "planned",
            date(2025, 2, 1),
        ),
        (
            "Children's Community Health",
            "Continence service information",
            "Information for families written with the parent carer forum.",
            "complete",
            date(2023, 5, 1),
        ),
    ],
}

# Each project's rung of the ladder aimed for, its stage of the commissioning cycle and the
# stages at which families were involved (EP, JU, JP, JD, JR in the cycle's order).
PARTICIPATION = {
    "Redesign of the short breaks offer": ("co_production", "joint_review", "EP JU JP JD JR"),
    "Holiday activity programme for disabled young people": (
        "co_production",
        "joint_delivery",
        "JP JD",
    ),
    "Speech and language therapy waiting list": ("participation", "joint_review", "JU JP"),
    "Occupational therapy advice line": ("consultation", "joint_planning", "JU"),
    "Autism training for mainstream schools": ("co_production", "joint_delivery", "EP JP JD"),
    "EHC needs assessment: advice written with families": (
        "co_production",
        "joint_review",
        "JU JP JR",
    ),
    "Preparing for Adulthood pathway": ("participation", "joint_review", "EP JU JP JD JR"),
    "Supported internships": ("participation", "establish_partnerships", ""),
    "Early years SEND support funding": ("information", "joint_review", "JR"),
    "Neurodevelopmental pathway redesign": ("co_production", "joint_planning", "JU"),
    "Family-friendly clinic letters": ("co_production", "joint_review", "JP JD JR"),
    "Local Offer website review": ("co_production", "joint_understanding", "EP JU"),
    "Co-produced EHC plan template": ("co_production", "joint_review", "EP JU JP JD JR"),
    "Short breaks statement review": ("participation", "joint_understanding", "JU"),
    "Continence service information": ("consultation", "joint_delivery", "JD"),
}
STAGE_CODES = {
    "EP": "families_at_establish_partnerships",
    "JU": "families_at_joint_understanding",
    "JP": "families_at_joint_planning",
    "JD": "families_at_joint_delivery",
    "JR": "families_at_joint_review",
}


def _participation(title):
    if title not in PARTICIPATION:
        return {}
    aim, stage, codes = PARTICIPATION[title]
    fields = {"ladder_aim": aim, "cycle_stage": stage}
    fields.update({STAGE_CODES[code]: True for code in codes.split()})
    return fields


# Invented names that say what each account is for.
ROLE_ACCOUNTS = [
    (Role.ADMIN, "admin", "Ash Admin"),
    (Role.COMMISSIONER, "commissioner", "Cam Commissioner"),
    (Role.SERVICE_LEAD, "lead", "Lee Lead"),
    (Role.BOARD_MEMBER, "board", "Bo Board"),
    (Role.FAMILY_PARTNER, "family", "Fran Family"),
]

# The service lead accounts lead these services.
LEAD_SERVICES = {
    "york": ["Short Breaks", "Children's Therapies"],
    "herefordshire": ["SEN Assessment Team"],
}


def _user(email, full_name):
    from allauth.account.models import EmailAddress

    user, created = User.objects.get_or_create(email=email, defaults={"full_name": full_name})
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save()
    # A verified address lets the account turn on two-factor authentication.
    EmailAddress.objects.get_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _load_partnership(spec):
    partnership, _ = Partnership.objects.get_or_create(
        slug=spec["partnership"]["slug"], defaults=spec["partnership"]
    )
    services = {}
    for (org_name, sector), service_specs in spec["organisations"].items():
        organisation, _ = Organisation.objects.get_or_create(
            partnership=partnership, name=org_name, defaults={"sector": sector}
        )
        for name, description in service_specs.items():
            service, _ = Service.objects.get_or_create(
                organisation=organisation,
                name=name,
                defaults={"description": description, "partnership": partnership},
            )
            services[name] = service
    for service_name, title, description, status, start in spec["projects"]:
        Project.objects.get_or_create(
            service=services[service_name],
            title=title,
            defaults={
                "description": description,
                "status": status,
                "start_date": start,
                "partnership": partnership,
                **_participation(title),
            },
        )
    accounts = []
    for role, prefix, label in ROLE_ACCOUNTS:
        email = f"{prefix}@{partnership.slug}.example"
        user = _user(email, label)
        membership, created = Membership.objects.get_or_create(
            user=user, partnership=partnership, defaults={"role": role}
        )
        if created and role == Role.SERVICE_LEAD:
            membership.services.set([services[name] for name in LEAD_SERVICES[partnership.slug]])
        accounts.append((email, membership))
    return partnership, accounts


@transaction.atomic
def load():
    """Create the demo partnerships; returns (email, role description) for each account."""
    york, york_accounts = _load_partnership(YORK)
    hereford, hereford_accounts = _load_partnership(HEREFORDSHIRE)
    both = _user("icb@both.example", "Isa ICB")
    for partnership in (york, hereford):
        Membership.objects.get_or_create(
            user=both, partnership=partnership, defaults={"role": Role.COMMISSIONER}
        )
    rows = [
        (email, f"{m.get_role_display()}, {m.partnership.name}")
        for email, m in york_accounts + hereford_accounts
    ]
    rows.append(("icb@both.example", "Commissioner in both partnerships"))
    _demo_import(york, dict(york_accounts)["admin@york.example"].user)
    return rows


DEMO_IMPORT = (
    "Name,Sector\n"
    "York Carers Centre,Voluntary and community\n"
    "York Teaching Hospital NHS Foundation Trust,Health\n"
)


def _demo_import(partnership, admin):
    """An earlier directory import on York's import page, saved the way a worker saves one."""
    from django.core.files.base import ContentFile

    from .import_jobs import run
    from .models import DirectoryImport

    job, created = DirectoryImport.objects.get_or_create(
        partnership=partnership,
        token="demo",
        defaults={"file_name": "partner-organisations.csv", "requested_by": admin, "rows_total": 2},
    )
    if created:
        job.file.save("partner-organisations.csv", ContentFile(DEMO_IMPORT.encode()))
        # The demo's own transaction is open: the rows and the job are saved with it.
        run(partnership.pk, job.pk)
