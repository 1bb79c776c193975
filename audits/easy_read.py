"""Easy-read words for family partners, written for this product from the meaning of
York's Service Development Measurement tool (2020).

They sit beside the framework's own words, which stay exactly as published. Short
sentences, everyday words, aimed at a reading age of about 9 to 11. Another framework
has no easy-read words until someone writes them; its pages show the official words only.
"""

YORK_TITLE = "York Joint Partnership Audit Framework"

# What each level means, by rank.
LEVELS = {
    1: "There is still a lot to do.",
    2: "This mostly works well.",
    3: "This works really well, all of the time.",
}

# Principle number: (what it means, {level rank: what that looks like}).
PRINCIPLES = {
    1: (
        "Children, young people and their families matter most in plans about their lives. "
        "The service should ask them and listen to them.",
        {
            1: "Families are asked to join in, but not always. "
            "The service asks them because it has to.",
            2: "Families are usually part of making choices. "
            "The service sees them as partners most of the time.",
            3: "Families are equal partners in planning and running the service. "
            "You can see their ideas in what happened. Families have checked this.",
        },
    ),
    2: (
        "The service tells families what happened after they helped. It shares what went well.",
        {
            1: "Families did not always hear back, or they heard back late. "
            "Complaints and thank-yous were not always written down or dealt with.",
            2: "Families mostly heard back, but sometimes late. "
            "Complaints and thank-yous were written down, but not always dealt with.",
            3: "Families heard back on time. "
            "Complaints and thank-yous were written down and sorted out.",
        },
    ),
    3: (
        "The service and families share the work. They help each other.",
        {
            1: "Families go to some meetings and are asked what they think. "
            "But nothing is decided because of what they say.",
            2: "Families go to meetings. What they think is used to make the final choice.",
            3: "Families go to meetings as equals. Choices are talked about and explained. "
            "Their views help make the final choice, and they hear what happened.",
        },
    ),
    4: (
        "The service keeps finding new people, and new ways for families to take part.",
        {
            1: "The same people as last time were asked. "
            "There were only a few talks with families and a simple survey.",
            2: "New people took part. New ways of asking people to join in were used.",
            3: "Families who are harder to reach took part. "
            "New and creative ways were used to hear their voices.",
        },
    ),
    5: (
        "Everyone can take part, whatever their needs. "
        "The service uses words and ways that work for everyone.",
        {
            1: "Families were asked, but their views are not in the final result. "
            "Some people found the words or the meetings hard, and this was not fixed.",
            2: "Families’ views are used in the final choices. Most people could take part easily.",
            3: "Families know they are equal when choices are made. "
            "Their views are in the final result. Anyone could join in, "
            "and groups who are harder to reach took part.",
        },
    ),
    6: (
        "Families and the service work as one team. "
        "The aim is good lives for children and young people.",
        {
            1: "Families take part, but you cannot see their voice in the result. "
            "What is best for children and young people is not put first.",
            2: "The service asks families to help with its work. "
            "There is at least one example where families’ voices are in the result.",
            3: "Families help plan and run the service, and bring their own ideas. "
            "There are lots of examples where their voices are in the result.",
        },
    ),
}


def for_framework(framework):
    """{principle number: (meaning, {rank: words})} and {rank: words}, or empty ones."""
    if framework.title != YORK_TITLE:
        return {}, {}
    return PRINCIPLES, LEVELS


def gap_in_words(service_level, family_level):
    """ "Service: Excellent, families: Room for Improvement", and how they compare."""
    service = service_level.name if service_level else "not rated"
    families = family_level.name if family_level else "not rated"
    sentence = f"Service: {service}, families: {families}"
    if not service_level or not family_level:
        return sentence, "unrated"
    if service_level.rank > family_level.rank:
        return sentence, "service_higher"
    if service_level.rank < family_level.rank:
        return sentence, "families_higher"
    return sentence, "same"
