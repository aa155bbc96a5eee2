"""What the vocabulary values of designations, testing disclosures and events mean, where the label
alone does not say enough: the about page shows these beside every value (tests/pages/test_about.py
checks that each belongs to a real value)."""

from disclosures.models import Designation, EventLink, TestingDisclosure

DESIGNATION_MEANINGS = {Designation: {
    "status": {
        "enjoined": "A court has ordered that it not be enforced for now.",
        "stayed": "Suspended pending a decision.",
        "vacated": "Set aside by a court.",
    },
}}

TESTING_DISCLOSURE_MEANINGS = {TestingDisclosure: {
    "confirmed_by_agency": {
        "no": "The agency has not confirmed it (it has not spoken, or declined to comment).",
        "denied": "The agency said the testing did not happen.",
    },
    "channel": {
        "leak": "Documents or accounts made public without authorisation.",
    },
}}

EVENT_MEANINGS = {EventLink: {
    "role": {
        "actor": "The linked record did something in the event.",
        "subject": "The event concerns the linked record.",
    },
}}
