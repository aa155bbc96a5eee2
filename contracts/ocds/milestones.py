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


def register_milestones(provider):
    """``provider(agreement)`` -> [Milestone] of the public records it supplies for that agreement (one query)."""
    _PROVIDERS.append(provider)
    return provider


def milestones_of(agreement):
    return [milestone for provider in _PROVIDERS for milestone in provider(agreement)]
