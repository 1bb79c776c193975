from django import template

from ..models import SignInProvider

register = template.Library()


@register.simple_tag
def council_sign_in_offered():
    """Whether any partnership lets its people sign in with their own organisation's account."""
    return SignInProvider.objects.enabled().exists()
