"""The city's own records: its clerks and its registry of associations (自治会等登録届)."""

import hashlib

from django.db import transaction

from subsidy.models import City, CityStaff, RegistryEntry, RegistryImport
from subsidy.registry import name_key, person_key, registry_parse
from tenants.models import User


def city_staff_add(*, user: User, city: City) -> CityStaff:
    """Make an account a clerk of the city (the operator does this; clerks then set up MFA)."""
    staff, _created = CityStaff.objects.update_or_create(
        user=user, defaults={"city": city, "is_active": True}
    )
    return staff


def registry_import(*, city: City, user: User, file_name: str, data: bytes) -> RegistryImport:
    """Replace the city's registry with the rows of an uploaded CSV file.

    The file is the city's whole list, so entries missing from it are removed; a file that
    does not parse changes nothing (ValidationError).
    """
    rows = registry_parse(data)
    with transaction.atomic():
        source = RegistryImport.objects.create(
            city=city,
            file_name=file_name[-150:],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(rows),
            imported_by=user,
        )
        RegistryEntry.objects.filter(city=city).delete()
        RegistryEntry.objects.bulk_create(
            RegistryEntry(
                city=city,
                registry_number=row.registry_number,
                name=row.name,
                representative=row.representative,
                name_key=name_key(row.name, city.name),
                representative_key=person_key(row.representative),
                source=source,
            )
            for row in rows
        )
    return source
