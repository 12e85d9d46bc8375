package org.portico.fhir;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.ReferenceParam;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * The patients the demo loader stored, as seen through the DAOs (never over HTTP): their ids and
 * the ids of their Observations and Conditions, so tests assert on whatever the demo data holds.
 */
public final class TestPatients {

    public record TestPatient(String id, List<String> observationIds, List<String> conditionIds) {

        public String reference() {
            return "Patient/" + id;
        }
    }

    private TestPatients() {}

    /** Every stored patient that has Observations and Conditions, ordered by id. */
    public static List<TestPatient> withObservationsAndConditions(DaoRegistry daos) {
        return ids(daos, "Patient", new SearchParameterMap().setLoadSynchronous(true)).stream()
                .sorted()
                .map(id -> new TestPatient(id, ofPatient(daos, "Observation", id), ofPatient(daos, "Condition", id)))
                .filter(p -> !p.observationIds().isEmpty() && !p.conditionIds().isEmpty())
                .toList();
    }

    private static List<String> ofPatient(DaoRegistry daos, String type, String patientId) {
        return ids(daos, type, SearchParameterMap.newSynchronous("subject", new ReferenceParam("Patient/" + patientId)));
    }

    private static List<String> ids(DaoRegistry daos, String type, SearchParameterMap params) {
        List<IBaseResource> resources = daos.getResourceDao(type).search(params, new SystemRequestDetails()).getAllResources();
        return resources.stream().map(r -> r.getIdElement().getIdPart()).toList();
    }
}
