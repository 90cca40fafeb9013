"""The do-nothing dynamic provider of the preview baseline.

It lives in an importable module, as ``JobRunProvider`` does, so dill pickles both
by reference (a few dozen bytes) rather than by value: a provider class defined in
``__main__`` costs about 1 ms more per resource to pickle, which would flatter
jobspec in the comparison.
"""

from pulumi.dynamic import CheckResult, CreateResult, DiffResult, ResourceProvider


class NoopProvider(ResourceProvider):
    serialize_as_secret_always = False

    def check(self, olds, news):
        return CheckResult(news, [])

    def diff(self, _id, olds, news):
        return DiffResult(changes=False)

    def create(self, props):
        return CreateResult("noop", {})
