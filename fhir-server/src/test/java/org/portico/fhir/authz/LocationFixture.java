package org.portico.fhir.authz;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Encounter;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.Location;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Reference;

/**
 * Two patients of their own (no other test meets them), each with an Encounter at a Location of its
 * own, a Location nothing refers to, and a Group whose only member is the first patient: what a Group
 * export must and must not carry of the directory (ADR 0013). Written through the DAOs with fixed ids,
 * updated in place.
 */
final class LocationFixture {

    static final String GROUP = "bulk-locations";
    static final String MEMBER = "bulk-loc-member";
    static final String OTHER = "bulk-loc-other";
    static final String MEMBER_ENCOUNTER = "bulk-loc-member-encounter";
    static final String OTHER_ENCOUNTER = "bulk-loc-other-encounter";
    static final String MEMBER_LOCATION = "bulk-loc-member-ward";
    static final String OTHER_LOCATION = "bulk-loc-other-ward";
    static final String UNREFERENCED_LOCATION = "bulk-loc-unreferenced";

    private LocationFixture() {}

    static synchronized void load(DaoRegistry daos) {
        for (String id : new String[] {MEMBER_LOCATION, OTHER_LOCATION, UNREFERENCED_LOCATION}) {
            Location location = new Location();
            location.setId(id);
            location.setName("Ward " + id);
            location.setStatus(Location.LocationStatus.ACTIVE);
            AuthzFixture.update(daos, location);
        }
        patientAt(daos, MEMBER, MEMBER_ENCOUNTER, MEMBER_LOCATION);
        patientAt(daos, OTHER, OTHER_ENCOUNTER, OTHER_LOCATION);
        Group group = new Group();
        group.setId(GROUP);
        group.setActive(true);
        group.setType(Group.GroupType.PERSON);
        group.setActual(true);
        group.addMember().setEntity(new Reference("Patient/" + MEMBER));
        AuthzFixture.update(daos, group);
    }

    private static void patientAt(DaoRegistry daos, String patientId, String encounterId, String locationId) {
        Patient patient = new Patient();
        patient.setId(patientId);
        patient.addName().setFamily("Fixture").addGiven(patientId);
        AuthzFixture.update(daos, patient);
        Encounter encounter = new Encounter();
        encounter.setId(encounterId);
        encounter.setStatus(Encounter.EncounterStatus.FINISHED);
        encounter.setClass_(new Coding("http://terminology.hl7.org/CodeSystem/v3-ActCode", "AMB", "ambulatory"));
        encounter.setSubject(new Reference("Patient/" + patientId));
        encounter.addLocation().setLocation(new Reference("Location/" + locationId));
        AuthzFixture.update(daos, encounter);
    }
}
