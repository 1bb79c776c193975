"""The ladder of participation (West Sussex, seed 003) and the stages of the joint
commissioning cycle (North Yorkshire, seed 004), in the seeds' own words.

They live on the lowest floor because projects record them and audits record the level
reached; the roll-ups across a partnership are in voice/selectors.py.
"""

from django.db import models


class LadderLevel(models.TextChoices):
    """From the bottom rung to the top; `rank` orders them."""

    NO_ENGAGEMENT = "no_engagement", "No engagement"
    INFORMATION = "information", "Information"
    CONSULTATION = "consultation", "Consultation"
    PARTICIPATION = "participation", "Participation"
    CO_PRODUCTION = "co_production", "Co-production"


# West Sussex Framework for the Development and Sustainability of Co-Production in SEND,
# quoted exactly (C Britton, S Thomas & S North, Markers of good practice in building Parent
# Carer Participation (2012)).
LADDER_DEFINITIONS = {
    LadderLevel.CO_PRODUCTION: (
        "A partnership process where parent carers are valued members of a team shaping "
        "services for families of children and young people with special educational needs "
        "and/or disabilities. 'Effective parent participation happens when parents have "
        "conversations with and work alongside professionals in order to design, develop and "
        "improve services'"
    ),
    LadderLevel.PARTICIPATION: (
        "The forum works with strategic groups and decision making groups to decide what "
        "should happen and shape services"
    ),
    LadderLevel.CONSULTATION: (
        "The forum is asked what they think about particular developments or issues"
    ),
    LadderLevel.INFORMATION: (
        "The forum is provided with information from the department / provider about what "
        "is happening"
    ),
    LadderLevel.NO_ENGAGEMENT: (
        "The forum do not know who to contact and have no working relationship with the "
        "department / provider"
    ),
}

LADDER_RANK = {level: rank for rank, level in enumerate(LadderLevel.values)}


def ladder_rank(value):
    """0 (No engagement) to 4 (Co-production); None when not recorded."""
    return LADDER_RANK.get(value)


class CycleStage(models.TextChoices):
    """In the order the cycle turns."""

    ESTABLISH_PARTNERSHIPS = "establish_partnerships", "Establish partnerships"
    JOINT_UNDERSTANDING = "joint_understanding", "Joint understanding"
    JOINT_PLANNING = "joint_planning", "Joint planning"
    JOINT_DELIVERY = "joint_delivery", "Joint delivery"
    JOINT_REVIEW = "joint_review", "Joint review"


# North Yorkshire SEND Joint Commissioning Plan 2023-25, Appendix one, quoted exactly.
CYCLE_DEFINITIONS = {
    CycleStage.ESTABLISH_PARTNERSHIPS: (
        "A strong joint commissioning partnership has a common purpose, which may be thematic, "
        "task-focused and a network. There is transparency and trust between partners, which "
        "allows for creativity, flexibility and open conversations about challenges. Regardless "
        "of the purpose, the partnership must aim to identify ways in which partners can work "
        "better together to improve the lives and experiences of families."
    ),
    CycleStage.JOINT_UNDERSTANDING: (
        "Partners have shared access to both quantitative and qualitative data, and a shared "
        "understanding of what this data means for the families, the workforce and the system. "
        "Partners celebrate strengths and acknowledge weaknesses demonstrated by data, and "
        "actively seek to understand and respond to information in order to make progress in "
        "services, systems and families' lives."
    ),
    CycleStage.JOINT_PLANNING: (
        "Partners keep children and young people at the heart of their planning, whether at the "
        "strategic, operational or individual level. They acknowledge and appreciate each "
        "other's expertise, learning from good practice and constructively challenging "
        "weaknesses. They understand how their work intersects and interrelates, and what this "
        "means for their own commissioning intentions as well as what it means for families. "
        "They seek to streamline where there is duplication, and are open about limitations "
        "such as block contracting and activity-based funding."
    ),
    CycleStage.JOINT_DELIVERY: (
        "Partners work together to agree which team/ service/ individual is best placed to "
        "deliver the work, taking into consideration expertise, audience, effectiveness and "
        "efficiency. Roles and remits are clearly defined, with a strong rationale."
    ),
    CycleStage.JOINT_REVIEW: (
        "Partners plan to review work at the planning stage and expectations are clear. "
        "Partners identify strengths and challenges in both the process (how partners have "
        "worked together) and impact (the difference that has been made to families/ the "
        "workforce/ systems and processes). Partners actively share their learning and identify "
        "how it can shape and inform future joint commissioning. Partners are receptive to "
        "learning from others' experiences of joint commissioning."
    ),
}

# The project field that records whether families were involved at each stage.
FAMILY_STAGE_FIELDS = {
    CycleStage.ESTABLISH_PARTNERSHIPS: "families_at_establish_partnerships",
    CycleStage.JOINT_UNDERSTANDING: "families_at_joint_understanding",
    CycleStage.JOINT_PLANNING: "families_at_joint_planning",
    CycleStage.JOINT_DELIVERY: "families_at_joint_delivery",
    CycleStage.JOINT_REVIEW: "families_at_joint_review",
}
