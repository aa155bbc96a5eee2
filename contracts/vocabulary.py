"""What the vocabulary values of agreements, terms and markers mean, where the label alone does not
say enough: the about page shows these beside every value (tests/pages/test_about.py checks
that each belongs to a real value)."""

from contracts.models import Agreement, AgreementAmount, AmountKind, ClassifiedAddendumMarker, PublicTerm

AGREEMENT_MEANINGS = {Agreement: {
    "best_known_kind": {
        "announced": "The best known date is the announcement (the first choice).",
        "awarded": "No announcement date is known: the award or signature date.",
        "first_reported": "Neither announcement nor award date is known: the first report the sources read.",
        "start": "Only the start of performance is known.",
    },
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
}, AgreementAmount: {
    "kind": {
        "ceiling": "Another, dated ceiling (e.g. before a modification); the current ceiling is the agreement's own.",
        "obligated": "Another, dated obligation; the current one is the agreement's own obligated amount.",
        "reported_award_value": "An award value as reported, not said to be a ceiling or an obligation.",
        "federal_award_amount": "The amount of a federal award record that does not say whether it is obligated "
                                "or potential value.",
        "potential_total": "The total the agreement may reach, options included.",
        "ceiling_increase": "What a modification adds to the ceiling; not added to the agreement it modifies.",
        "resulting_ceiling": "The ceiling after a modification.",
        "initial_commitment": "The amount committed to a first project or order.",
        "prize_pool": "Prize money around the agreement; not the value of the agreement.",
        "other": "Any other reported amount; its note says what it is.",
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

# The kinds of publicly reported amount of an agreement, from the one vocabulary (AmountKind): the claim key
# of a citation supporting one is ``amount:<kind>`` (registry/claims.py); its words, lower-cased labels.
AMOUNT_KINDS = {kind.value: kind.label[0].lower() + kind.label[1:] for kind in AmountKind}
