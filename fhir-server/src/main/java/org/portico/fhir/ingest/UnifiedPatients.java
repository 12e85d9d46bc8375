package org.portico.fhir.ingest;

import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Patient;

/**
 * The Patient apps see for a person (ADR 0017): the demographics of the first source record linked
 * to it, and the identifiers (MRNs and others, never a source's record ids) of every record linked since.
 */
final class UnifiedPatients {

    private UnifiedPatients() {}

    static Patient from(Patient record, String recordIdSystem) {
        Patient person = new Patient();
        person.setExtension(record.copy().getExtension());
        addIdentifiers(person, record, recordIdSystem);
        record.getName().forEach(n -> person.addName(n.copy()));
        record.getTelecom().forEach(t -> person.addTelecom(t.copy()));
        person.setGender(record.getGender());
        person.setBirthDateElement(record.getBirthDateElement().copy());
        if (record.hasDeceased()) {
            person.setDeceased(record.getDeceased().copy());
        }
        record.getAddress().forEach(a -> person.addAddress(a.copy()));
        if (record.hasMaritalStatus()) {
            person.setMaritalStatus(record.getMaritalStatus().copy());
        }
        if (record.hasMultipleBirth()) {
            person.setMultipleBirth(record.getMultipleBirth().copy());
        }
        record.getCommunication().forEach(c -> person.addCommunication(c.copy()));
        person.setActive(true);
        return person;
    }

    /** Adds the record's identifiers the person lacks; answers whether any was added. */
    static boolean addIdentifiers(Patient person, Patient record, String recordIdSystem) {
        boolean added = false;
        for (Identifier identifier : record.getIdentifier()) {
            if (!identifier.hasSystem() || !identifier.hasValue() || recordIdSystem.equals(identifier.getSystem())) {
                continue;
            }
            boolean known = person.getIdentifier().stream().anyMatch(i -> identifier.getSystem().equals(i.getSystem())
                    && identifier.getValue().equals(i.getValue()));
            if (!known) {
                Identifier copy = identifier.copy();
                copy.setAssigner(copy.getAssigner().hasReference() ? null : copy.getAssigner());
                person.addIdentifier(copy);
                added = true;
            }
        }
        return added;
    }
}
