"""What the vocabulary values of sources mean, where the label alone does not say enough: the about
page shows these beside every value (its "Source tiers" section explains how they are used)."""

from registry.models import Source

TIER_MEANINGS = {
    "primary_official": "An agency's or court's own page or document, or a company's own statement page.",
    "court_record": "A docket, filing or opinion.",
    "major_outlet": "A wire service, national newspaper or broadcaster (including wire copy on their sites).",
    "trade_press": "Defense, government or technology trade and specialist press.",
    "republisher_or_aggregator": "A site that copies or rewrites others' reporting: a mirror, proxy, press-release "
                                 "distributor or digest. Weak.",
    "commentary": "A blog, opinion piece, law-firm alert, newsletter or think tank. Weak.",
    "low_quality_or_generated": "A content farm, a machine-written-looking page, an AI-branded aggregator, a "
                                "lookalike masthead or a speculative forecast page. Weak.",
    "not_assessed": "No one has assessed this source yet (for example a source new in a later research file). "
                    "Counted as weak.",
}

SOURCE_MEANINGS = {Source: {"tier": TIER_MEANINGS}}
