"""Milestones another app adds to an agreement's OCDS contract, registered in its AppConfig.ready() so that
contracts never imports it: the testing done under an agreement, for one (type ``assessment``)."""

from dataclasses import dataclass

_PROVIDERS = []


@dataclass(frozen=True)
class Milestone:
    record_type: str  # the record the milestone comes from: its changes are changes of the agreement's process
    slug: str
    published_at: object  # from when the milestone is in the agreement's releases
    data: dict  # the OCDS milestone


def register_milestones(provider, *, many=None):
    """``provider(agreement)`` -> [Milestone] of the public records it supplies for that agreement (one query);
    ``many(agreements)`` -> {agreement pk: [Milestone]}, the same for many agreements in a fixed number of queries
    (the bulk export's; without it, the provider is asked once per agreement)."""
    _PROVIDERS.append((provider, many))
    return provider


def milestones_of(agreement):
    return [milestone for provider, _ in _PROVIDERS for milestone in provider(agreement)]


def milestones_of_many(agreements):
    """{agreement pk: [Milestone]}, as ``milestones_of`` gives them one agreement at a time."""
    found = {agreement.pk: [] for agreement in agreements}
    for provider, many in _PROVIDERS:
        supplied = many(agreements) if many is not None else {a.pk: provider(a) for a in agreements}
        for pk, milestones in found.items():
            milestones.extend(supplied.get(pk, ()))
    return found
