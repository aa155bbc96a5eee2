"""What the vocabulary values of agreements, terms and markers mean, where the label alone does not
say enough: the about page shows these beside every value (tests/pages/test_about.py checks
that each belongs to a real value)."""

from contracts.models import Agreement, ClassifiedAddendumMarker, PublicTerm

AGREEMENT_MEANINGS = {Agreement: {
    "terms_disclosure": {
        "full_text": "The whole text of the agreement is public.",
        "summary": "An official summary is public, not the text.",
        "partial": "Some clauses are public.",
        "none": "Nothing of the text is public.",
    },
    "federal_data_status": {
        "not_found": "Searched for in USAspending/FPDS and not found, as of the date shown on the agreement.",
    },
    "vehicle": {
        "ot_prototype": "An Other Transaction agreement for a prototype (10 U.S.C. 4022), outside the Federal "
                        "Acquisition Regulation.",
        "ot_production": "A follow-on production Other Transaction.",
    },
}}

TERM_MEANINGS = {PublicTerm: {
    "effect": {
        "prohibits": "The term forbids the use described.",
        "restricts": "The term allows the use only within limits or with conditions.",
        "permits": "The term expressly allows the use.",
        "requires": "The term obliges a party to do something.",
        "silent": "A public text on the subject exists and says nothing either way. Different from having no "
                  "term at all: the agreements filter's “no current term in that category” means no term is "
                  "recorded.",
        "unclear": "The sources disagree, or the wording can be read more than one way.",
    },
    "text_form": {
        "verbatim": "The exact words of the term, quoted from a source.",
        "paraphrase": "The registry's faithful summary; the exact words are not public.",
    },
    "binding": {
        "contract_clause": "Written in the agreement itself.",
        "incorporated_policy": "A policy the agreement incorporates by reference.",
        "side_letter": "A separate written undertaking between the parties.",
        "official_statement": "Said publicly by the agency; not shown to be in the agreement.",
        "vendor_statement": "Said publicly by the vendor; not shown to be in the agreement.",
        "reported": "Reported by others; neither party's words are public.",
    },
    "status": {
        "requested_and_refused": "One party asked for the term and the other refused it.",
        "superseded": "Replaced by a later term, which names it.",
    },
}}

MARKER_MEANINGS = {ClassifiedAddendumMarker: {
    "existence": {
        "inferred": "Deduced by the registry from public documents; no source says so outright.",
        "neither_confirmed_nor_denied": "Officials were asked and would neither confirm nor deny.",
        "denied": "A party has denied that such a part exists; the marker is kept because sources reported it.",
    },
}}

# The kinds of publicly reported amount of an agreement, in one place: the claim key of a citation
# supporting one is ``amount:<kind>`` (registry/claims.py). Extend this list when a kind is added.
AMOUNT_KINDS = {
    "ceiling": "ceiling",
    "obligated": "obligated amount",
    "reported_award_value": "reported award value",
    "ceiling_increase": "ceiling increase",
    "resulting_ceiling": "resulting ceiling",
    "potential_total": "potential total",
    "first_project_commitment": "first project commitment",
    "prize_pool": "prize pool",
    "non_usd_reported": "amount reported in another currency",
    "other": "other reported amount",
}
