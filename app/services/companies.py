"""An organisation's company details: its name, and the profile row kept beside it."""
from sqlalchemy import select

from app.extensions import db
from app.models import CompanyProfile, Organisation

PROFILE_FIELDS = ("vat_id", "branch", "address", "address2", "zip", "city", "country", "phone",
                  "email", "contactperson", "additionaltext")


class Company:
    """What CompanySchema dumps: the organisation's id and name, the profile's fields."""

    def __init__(self, organisation: Organisation, profile: CompanyProfile | None):
        self.id, self.companyname = organisation.id, organisation.name
        for field in PROFILE_FIELDS:
            setattr(self, field, getattr(profile, field, None))


def company_of(organisation: Organisation) -> Company:
    return Company(organisation, _profile(organisation.id))


def companies(organisations: list[Organisation]) -> list[Company]:
    ids = [organisation.id for organisation in organisations]
    profiles = {profile.organisation_id: profile for profile in db.session.scalars(
        select(CompanyProfile).where(CompanyProfile.organisation_id.in_(ids)))}
    return [Company(organisation, profiles.get(organisation.id)) for organisation in organisations]


def update_company(organisation: Organisation, data: dict) -> Company:
    """Set the fields sent; ``companyname`` renames the organisation."""
    if "companyname" in data:
        organisation.name = data.pop("companyname")
    profile = _profile(organisation.id) or CompanyProfile(organisation_id=organisation.id)
    for field, value in data.items():
        setattr(profile, field, value)
    db.session.add(profile)
    db.session.commit()
    return Company(organisation, profile)


def _profile(organisation_id: int) -> CompanyProfile | None:
    return db.session.scalar(select(CompanyProfile).where(
        CompanyProfile.organisation_id == organisation_id))
