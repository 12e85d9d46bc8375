package org.portico.fhir.ingest;

import java.util.Collection;
import java.util.Date;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Provenance;
import org.hl7.fhir.r4.model.Reference;

/**
 * The Provenance of what one unit created or updated for one patient (US Core Provenance): the
 * targets, when Portico recorded them, the source's Organization as author and Portico as transmitter.
 */
final class Provenances {

    static final String US_CORE_PROVENANCE = "http://hl7.org/fhir/us/core/StructureDefinition/us-core-provenance";
    static final String PARTICIPANT_TYPE = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    static final String US_CORE_PARTICIPANT_TYPE = "http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type";

    private Provenances() {}

    static Provenance of(Collection<String> targets, Source source, String porticoOrganizationId, Date recorded) {
        Provenance provenance = new Provenance();
        provenance.getMeta().addProfile(US_CORE_PROVENANCE);
        targets.forEach(t -> provenance.addTarget(new Reference(t)));
        provenance.setRecorded(recorded);
        provenance.addAgent()
                .setType(new CodeableConcept(new Coding(PARTICIPANT_TYPE, "author", "Author")))
                .setWho(new Reference(source.organizationReference()).setDisplay(source.name()));
        provenance.addAgent()
                .setType(new CodeableConcept(new Coding(US_CORE_PARTICIPANT_TYPE, "transmitter", "Transmitter")))
                .setWho(new Reference("Organization/" + porticoOrganizationId).setDisplay("Portico"))
                .setOnBehalfOf(new Reference(source.organizationReference()));
        return provenance;
    }
}
