from django.contrib.auth.models import Group

from analytics.roles import GROUP_PERMISSIONS


def test_the_migration_creates_each_group_with_exactly_its_permissions(db):
    for name, codenames in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        assert sorted(group.permissions.values_list("codename", flat=True)) == sorted(codenames)
