"""The content security policy's nonce, for the few <style> and <script> blocks a page
needs of its own (see CONTENT_SECURITY_POLICY in config/settings.py)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def csp_nonce_attr(context):
    """` nonce="..."` for this response, or nothing when the template is rendered
    outside a request (a PDF made by a worker, which no browser applies a policy to)."""
    nonce = getattr(context.get("request"), "csp_nonce", None)
    return format_html(' nonce="{}"', nonce) if nonce is not None else ""
