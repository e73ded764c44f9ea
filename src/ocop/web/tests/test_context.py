import pytest
from django.test import RequestFactory

from ocop.accounts.constants import Role
from ocop.accounts.tests.factories import actor_for, user_with_role
from ocop.core.actor import Actor
from ocop.web.context import navigation

ALL = {"home", "producers", "products", "criteria", "users"}


def _nav(actor, path="/"):
    request = RequestFactory().get(path)
    request.actor = actor
    return navigation(request)


def _keys(actor, path="/"):
    return {item.key for item in _nav(actor, path)["nav_items"]}


def _actor(role, province=None, commune=None):
    return actor_for(user_with_role(role, province=province, commune=commune))


@pytest.mark.urls("ocop.web.tests.urls_nav")
@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (Role.ADMIN, ALL),
        (Role.PROVINCE_OFFICER, ALL),
        (Role.COMMUNE_OFFICER, {"home", "producers", "products"}),  # no rule-set pages
        (Role.INSPECTOR, {"home", "producers", "products", "criteria"}),
        (Role.COUNCIL_MEMBER, {"home", "criteria"}),
        (Role.PRODUCER, {"home", "producers", "products"}),
    ],
)
def test_the_menu_offers_what_each_role_may_use(role, expected, commune):
    province = None if role in (Role.ADMIN, Role.PRODUCER) else commune.province
    unit = commune if role == Role.COMMUNE_OFFICER else None
    assert _keys(_actor(role, province=province, commune=unit)) == expected


@pytest.mark.urls("ocop.web.tests.urls_nav")
def test_anonymous_visitors_see_only_the_home_link():
    assert _keys(Actor.anonymous()) == {"home"}


@pytest.mark.urls("ocop.web.tests.urls_nav")
def test_a_user_without_any_role_sees_only_the_home_link(db):
    from ocop.accounts.tests.factories import UserFactory

    assert _keys(actor_for(UserFactory())) == {"home"}


@pytest.mark.urls("ocop.web.tests.urls_nav")
def test_the_current_section_is_marked_active(province):
    actor = _actor(Role.PROVINCE_OFFICER, province=province)
    items = {i.key: i for i in _nav(actor, "/producers/abc/")["nav_items"]}
    assert items["producers"].active
    assert not items["home"].active
    assert not items["products"].active


@pytest.mark.urls("ocop.web.tests.urls_nav")
def test_the_account_link_appears_when_the_accounts_app_has_one(province):
    shell = _nav(_actor(Role.PROVINCE_OFFICER, province=province))["shell"]
    assert shell.account_url == "/accounts/me/"


@pytest.mark.urls("ocop.web.tests.urls_nav_partial")
def test_links_to_pages_that_do_not_exist_yet_are_left_out(province):
    actor = _actor(Role.PROVINCE_OFFICER, province=province)
    assert _keys(actor) == {"home"}
    assert _nav(actor)["shell"].account_url is None


def test_the_header_names_the_units_of_the_actor(commune):
    officer = _actor(Role.COMMUNE_OFFICER, commune=commune)
    assert _nav(officer)["shell"].unit_label == f"{commune.name}, {commune.province.name}"
    provincial = _actor(Role.PROVINCE_OFFICER, province=commune.province)
    assert _nav(provincial)["shell"].unit_label == commune.province.name


def test_the_header_shows_the_users_name_and_role(province):
    user = user_with_role(Role.PROVINCE_OFFICER, province=province, full_name="Trần Thị Thu")
    shell = _nav(actor_for(user))["shell"]
    assert shell.display_name == "Trần Thị Thu"
    assert shell.role_labels == [str(Role.PROVINCE_OFFICER.label)]


def test_the_shell_costs_no_query_until_the_unit_is_shown(province, django_assert_num_queries):
    actor = _actor(Role.PROVINCE_OFFICER, province=province)
    with django_assert_num_queries(0):
        context = _nav(actor)
    with django_assert_num_queries(1):
        assert context["shell"].unit_label
