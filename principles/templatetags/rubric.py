from django import template

register = template.Library()


@register.filter
def paragraphs(text):
    """Rubric texts keep the seed's paragraph breaks as newlines; one item per paragraph."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
