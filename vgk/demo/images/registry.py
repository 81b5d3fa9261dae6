"""The drawings by family name: each category group's module registers its drawings with `@family`."""

FAMILIES = {}


def family(name):
    def register(fn):
        FAMILIES[name] = fn
        return fn

    return register


def families():
    return sorted(FAMILIES)
