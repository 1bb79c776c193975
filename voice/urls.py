"""Family voice pages under /<partnership>/ (public ones are listed as public in the URL walk)."""

urlpatterns = []
