"""The aliases a job's resource carries (providers/resource.py ``with_aliases``): what keeps a job the same resource.

The engine's view of them (a stack moved into ``JobSpecs`` previews its jobs as
unchanged) is in tests/test_component_e2e.py.
"""

from __future__ import annotations

import pulumi

from providers.resource import with_aliases

ROOT = pulumi.ROOT_STACK_RESOURCE
#: Stands for the component a job is declared under; ``with_aliases`` only asks whether there is one.
PARENT = object()


def described(opts: pulumi.ResourceOptions) -> list[tuple]:
    return [(a.name, "root" if a.parent is ROOT else "current" if a.parent is ... else a.parent)
            for a in opts.aliases]


def test_a_top_level_job_without_earlier_names_keeps_its_options_as_given():
    assert with_aliases("etl", None, None) is None
    given = pulumi.ResourceOptions(protect=True)
    assert with_aliases("etl", [], given) is given


def test_earlier_names_are_aliases_under_the_current_parent():
    assert described(with_aliases("etl-v2", ["etl", "orders"], None)) == [("etl", "current"), ("orders", "current")]


def test_under_a_parent_the_top_level_resource_of_each_name_is_the_same_resource():
    opts = with_aliases("etl-v2", ["etl"], pulumi.ResourceOptions(parent=PARENT))
    assert described(opts) == [("etl", "current"), ("etl-v2", "root"), ("etl", "root")]


def test_the_callers_options_are_kept_and_not_changed():
    given = pulumi.ResourceOptions(parent=PARENT, protect=True, retain_on_delete=True,
                                   aliases=[pulumi.Alias(name="old-team-etl")])
    opts = with_aliases("etl", None, given)
    assert (opts.parent, opts.protect, opts.retain_on_delete) == (PARENT, True, True)
    assert described(opts) == [("old-team-etl", "current"), ("etl", "root")]
    assert described(given) == [("old-team-etl", "current")]
