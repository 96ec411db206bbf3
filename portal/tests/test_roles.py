from django.contrib.auth.models import Group

from portal.roles import GROUP_PERMISSIONS


def test_the_migration_creates_each_group_with_exactly_its_permissions(db):
    for name, permissions in GROUP_PERMISSIONS.items():
        group = Group.objects.get(name=name)
        held = [f"{app}.{codename}" for app, codename in group.permissions.values_list("content_type__app_label", "codename")]
        assert sorted(held) == sorted(permissions)
