package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.DateParam;
import ca.uhn.fhir.rest.param.ParamPrefixEnum;
import ca.uhn.fhir.rest.param.TokenParam;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Patient;
import org.portico.fhir.authz.SourceRecords;
import org.portico.fhir.matching.Candidates;
import org.portico.fhir.matching.PatientLinks;

/** Matching candidates: stored source Patient records (indexed searches) that have a link. */
final class StoredCandidates implements Candidates {

    private final DaoRegistry daos;
    private final PatientLinks links;

    StoredCandidates(DaoRegistry daos, PatientLinks links) {
        this.daos = daos;
        this.links = links;
    }

    @Override
    public List<Candidate> withIdentifier(String system, String value) {
        return linked(SearchParameterMap.newSynchronous("identifier", new TokenParam(system, value)));
    }

    @Override
    public List<Candidate> bornOn(String birthDate) {
        return linked(SearchParameterMap.newSynchronous("birthdate", new DateParam(ParamPrefixEnum.EQUAL, birthDate)));
    }

    private List<Candidate> linked(SearchParameterMap map) {
        map.add("_tag", new TokenParam(SourceRecords.TAG_SYSTEM, SourceRecords.TAG_CODE));
        List<Patient> records = new ArrayList<>();
        for (IBaseResource r : daos.getResourceDao("Patient").search(map, new SystemRequestDetails()).getAllResources()) {
            records.add((Patient) r);
        }
        Map<String, PatientLinks.Link> byRecord = links.ofRecords(records.stream().map(p -> p.getIdElement().getIdPart()).toList());
        List<Candidate> candidates = new ArrayList<>();
        for (Patient record : records) {
            PatientLinks.Link link = byRecord.get(record.getIdElement().getIdPart());
            if (link != null) {
                candidates.add(new Candidate(link.unifiedPatientId(), link.sourceId(), record));
            }
        }
        return candidates;
    }
}
