"""Site-wide account behaviour (django-allauth adapter)."""

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from tenants.connection import connection


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """A city clerk signing in on the public host lands on the city portal, not on the
        list of associations (which a clerk has none of)."""
        from subsidy.models import CityStaff

        user = request.user
        if (
            connection.schema_name == "public"
            and user.is_authenticated
            and CityStaff.objects.filter(user=user, is_active=True).exists()
        ):
            return "/city/"
        return super().get_login_redirect_url(request)
