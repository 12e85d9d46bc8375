#!/usr/bin/env python3
"""Derives the issue-9 family test data from shared/data/fhir/synthea-r4 (see NOTICE.md).

Run from this folder: python3 derive.py ../../../../../../shared/data/fhir/synthea-r4
Each person keeps their Patient and a few of their clinical resources (no Claim/EOB), references to
what is not kept are dropped, the birth date is moved so the ages fit the story on 2026-11-27, and the
15-year-old gets confidential care coded with real codes (no security labels: the rules add them).
"""
import json, sys, os, uuid

SRC = sys.argv[1]
PEOPLE = [
    # file prefix, output name, new birth date (None: keep), role
    ("Twanda_Rippin", "parent", None),
    ("Dana_Feest", "child-8", "2018-05-27"),
    ("Ossie_Rodriguez", "teen-15", "2011-06-07"),
    ("Andy_Schaden", "adult-cared-for", None),
    ("Regena_Moore", "caregiver", None),
]
KEEP = {"Encounter": 3, "Condition": 3, "Observation": 4, "Procedure": 2, "MedicationRequest": 2, "Immunization": 2,
        "AllergyIntolerance": 1, "DiagnosticReport": 1}
DIRECTORY = {"Organization", "Practitioner"}


def prune(node, kept):
    """Drops references to entries not kept (a list item, or the key holding it)."""
    if isinstance(node, dict):
        for key in list(node.keys()):
            value = node[key]
            if isinstance(value, dict) and isinstance(value.get("reference"), str) and value["reference"].startswith("urn:uuid:") \
                    and value["reference"] not in kept:
                del node[key]
            elif isinstance(value, list):
                node[key] = [v for v in value if not (isinstance(v, dict) and isinstance(v.get("reference"), str)
                                                      and v["reference"].startswith("urn:uuid:") and v["reference"] not in kept)]
                for v in node[key]:
                    prune(v, kept)
                # an element whose every reference was dropped (a participant with only an individual) goes too
                node[key] = [v for v in node[key] if v != {} and not (isinstance(v, dict) and set(v) <= {"type", "period"} and key == "participant")]
                if not node[key]:
                    del node[key]
            else:
                prune(value, kept)


def entry(resource):
    full = "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "portico-family/" + json.dumps(resource, sort_keys=True)))
    return {"fullUrl": full, "resource": resource, "request": {"method": "POST", "url": resource["resourceType"]}}


def confidential(patient_url, encounter_url):
    """The teen's confidential care: real ICD-10-CM, SNOMED CT, LOINC and RxNorm codes, no labels."""
    subject = {"reference": patient_url}
    enc = {"reference": encounter_url}
    resources = [
        {"resourceType": "Encounter", "status": "finished",
         "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
         "type": [{"coding": [{"system": "http://snomed.info/sct", "code": "185349003", "display": "Encounter for check up (procedure)"}]}],
         "reasonCode": [{"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9",
                                     "display": "Major depressive disorder, single episode, unspecified"}]}],
         "subject": subject, "period": {"start": "2026-09-14T15:00:00-04:00", "end": "2026-09-14T15:45:00-04:00"}},
        {"resourceType": "Condition",
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "encounter-diagnosis"}]}],
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F32.9",
                              "display": "Major depressive disorder, single episode, unspecified"}],
                  "text": "Major depressive disorder, single episode"},
         "subject": subject, "onsetDateTime": "2026-09-14T15:00:00-04:00", "recordedDate": "2026-09-14T15:00:00-04:00"},
        {"resourceType": "Condition",
         "clinicalStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-clinical", "code": "active"}]},
         "verificationStatus": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "confirmed"}]},
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/condition-category", "code": "encounter-diagnosis"}]}],
         "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": "F10.10", "display": "Alcohol abuse, uncomplicated"}],
                  "text": "Alcohol abuse"},
         "subject": subject, "onsetDateTime": "2026-09-14T15:00:00-04:00", "recordedDate": "2026-09-14T15:00:00-04:00"},
        {"resourceType": "Procedure", "status": "completed",
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "169553002", "display": "Insertion of subcutaneous contraceptive"}]},
         "subject": subject, "encounter": enc, "performedDateTime": "2026-10-02T10:00:00-04:00"},
        {"resourceType": "MedicationRequest", "status": "active", "intent": "order",
         "medicationCodeableConcept": {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "389221",
                                                   "display": "Etonogestrel 68 MG Drug Implant"}]},
         "subject": subject, "encounter": enc, "authoredOn": "2026-10-02T10:00:00-04:00"},
        {"resourceType": "Observation", "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "laboratory"}]}],
         "code": {"coding": [{"system": "http://loinc.org", "code": "7917-8", "display": "HIV 1 Ab [Presence] in Serum"}]},
         "subject": subject, "encounter": enc, "effectiveDateTime": "2026-10-02T10:00:00-04:00",
         "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": "260385009", "display": "Negative"}]}},
        {"resourceType": "DiagnosticReport", "status": "final",
         "category": [{"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0074", "code": "LAB"}]}],
         "code": {"coding": [{"system": "http://snomed.info/sct", "code": "310861008", "display": "Chlamydia antigen test"}]},
         "subject": subject, "encounter": enc, "effectiveDateTime": "2026-10-02T10:00:00-04:00", "issued": "2026-10-03T09:00:00-04:00",
         "conclusion": "Not detected"},
    ]
    return resources


def derive(prefix, name, birth):
    path = next(os.path.join(SRC, f) for f in sorted(os.listdir(SRC)) if f.startswith(prefix + "_"))
    bundle = json.load(open(path))
    counts = {}
    kept_entries = []
    for e in bundle["entry"]:
        t = e["resource"]["resourceType"]
        if t == "Patient" or t in DIRECTORY:
            kept_entries.append(e)
        elif t in KEEP and counts.get(t, 0) < KEEP[t]:
            counts[t] = counts.get(t, 0) + 1
            kept_entries.append(e)
    # directory entries only when something kept refers to them
    text = json.dumps([e for e in kept_entries if e["resource"]["resourceType"] not in DIRECTORY])
    kept_entries = [e for e in kept_entries if e["resource"]["resourceType"] not in DIRECTORY or e["fullUrl"] in text]
    kept = {e["fullUrl"] for e in kept_entries}
    for e in kept_entries:
        prune(e["resource"], kept)
        e.pop("search", None)
    patient = next(e for e in kept_entries if e["resource"]["resourceType"] == "Patient")
    if birth:
        patient["resource"]["birthDate"] = birth
    if name == "teen-15":
        extra = [entry(r) for r in confidential(patient["fullUrl"], "urn:uuid:placeholder")]
        encounter_url = extra[0]["fullUrl"]
        for e in extra[1:]:
            if "encounter" in e["resource"]:
                e["resource"]["encounter"] = {"reference": encounter_url}
        kept_entries += extra
    out = {"resourceType": "Bundle", "type": "transaction", "entry": kept_entries}
    with open(name + ".json", "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")
    print(name, path.split("/")[-1], len(kept_entries), "entries")


for prefix, name, birth in PEOPLE:
    derive(prefix, name, birth)
