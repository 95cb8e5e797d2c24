"""Shared test fixtures: named people in named organisations, one per role (healthchecks style).

- ``alice``   union rep at Oakfield Primary (part of Northway Trust)
- ``olivia``  union officer in the Riverside union branch
- ``emma``    employer lead for Northway Trust (reaches Oakfield Primary)
- ``ravi``    researcher / analyst
- ``adam``    administrator
- ``bob``     union rep at Hillside Academy (another workplace)
- ``nobody``  signed in, holds no role
"""

from __future__ import annotations

import datetime as dt

from django.test import TestCase

from chalkface.accounts.models import Membership, Role, User
from chalkface.register.models import Deployment, Supplier, Tool, ToolVersion
from chalkface.workplaces.models import Organisation

PASSWORD = "correct horse battery staple"


class BaseTestCase(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        cls.union = Organisation.objects.create(kind="union", name="Teachers Union", slug="teachers-union")
        cls.branch = Organisation.objects.create(
            kind="union_branch", name="Riverside Branch", slug="riverside-branch", parent=cls.union
        )
        cls.trust = Organisation.objects.create(kind="trust", name="Northway Trust", slug="northway-trust")
        cls.oakfield = Organisation.objects.create(
            kind="school",
            name="Oakfield Primary School",
            slug="oakfield-primary-school",
            urn=100001,
            parent=cls.trust,
            phase="primary",
            region="north_west",
            pupils_on_roll=320,
            fsm_share=38,
            urban_rural="urban",
            it_rating=2,
        )
        cls.hillside = Organisation.objects.create(
            kind="school",
            name="Hillside Academy",
            slug="hillside-academy",
            urn=100002,
            phase="secondary",
            region="london",
            pupils_on_roll=1100,
            fsm_share=12,
            urban_rural="urban",
            it_rating=4,
        )

        def person(email: str, role: str | None, organisation: Organisation | None) -> User:
            user = User.objects.create_user(email, PASSWORD, name=email.split("@")[0].title())
            if role and organisation:
                Membership.objects.create(user=user, organisation=organisation, role=role)
            return user

        cls.alice = person("alice@example.org", Role.UNION_REP, cls.oakfield)
        cls.olivia = person("olivia@example.org", Role.UNION_OFFICER, cls.branch)
        cls.emma = person("emma@example.org", Role.EMPLOYER_LEAD, cls.trust)
        cls.ravi = person("ravi@example.org", Role.ANALYST, cls.union)
        cls.adam = person("adam@example.org", Role.ADMIN, cls.union)
        cls.bob = person("bob@example.org", Role.UNION_REP, cls.hillside)
        cls.nobody = person("nobody@example.org", None, None)

        cls.supplier = Supplier.objects.create(name="Brightlesson Ltd", slug="brightlesson-ltd")
        cls.tool = Tool.objects.create(
            name="LessonSpark",
            slug="lessonspark",
            supplier=cls.supplier,
            capabilities=["lesson_planning"],
            audiences=["staff"],
        )
        cls.v1 = ToolVersion.objects.create(tool=cls.tool, label="1.0", release_date=dt.date(2025, 1, 6))
        cls.v2 = ToolVersion.objects.create(tool=cls.tool, label="2.0", release_date=dt.date(2025, 9, 1))
        cls.deployment = Deployment.objects.create(
            tool=cls.tool,
            workplace=cls.oakfield,
            starts_on=dt.date(2025, 2, 1),
            staff_roles=["teacher"],
            use="optional",
        )

    def login(self, user: User) -> None:
        self.client.force_login(user)
