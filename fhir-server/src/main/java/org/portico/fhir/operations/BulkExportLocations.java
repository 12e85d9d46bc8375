package org.portico.fhir.operations;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.bulk.export.api.IBulkExportProcessor;
import ca.uhn.fhir.jpa.bulk.export.model.ExportPIDIteratorParameters;
import ca.uhn.fhir.jpa.bulk.export.svc.BulkExportHelperService;
import ca.uhn.fhir.jpa.dao.tx.IHapiTransactionService;
import ca.uhn.fhir.jpa.model.dao.JpaPid;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters.ExportStyle;
import ca.uhn.fhir.rest.param.TokenOrListParam;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.hl7.fhir.instance.model.api.IAnyResource;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.instance.model.api.IIdType;
import org.portico.fhir.authz.DirectoryEntries;

/**
 * Group and Patient Bulk Data exports hold the Locations the exported patients' data refers to (ADR 0013).
 * HAPI 8.8 adds only Practitioner and Organization beyond the patients' compartments, and its processor
 * cannot fetch a type with no patient search parameter. This decorates HAPI's {@link IBulkExportProcessor}:
 * the pids of type Location of a Group or Patient export are the Locations that the exported Patients, or
 * resources referring to one of them, refer to ({@link DirectoryEntries}: the same set a patient token's
 * Location search is narrowed to, ADR 0015), with the job's {@code _since}/{@code _until} and
 * {@code _typeFilter} applied to the Locations; everything else is HAPI's. Its kick-off hook adds Location
 * to such an export that names no {@code _type} (a {@code _type} naming Location is refused by HAPI's
 * provider, 400, before any hook runs). Which Locations a token may export is still decided by
 * {@code BulkExportAuthorization} (needs {@code system/Location.r}; granular grants filter them).
 */
@Interceptor
public final class BulkExportLocations implements IBulkExportProcessor<JpaPid> {

    static final String LOCATION = "Location";
    private static final String TYPE_PARAM = "_type";
    private static final String PATIENT = "Patient";
    /** Patients per reference-index query. */
    private static final int CHUNK = 500;

    private final IBulkExportProcessor<JpaPid> hapi;
    private final DirectoryEntries directory;
    private final DaoRegistry daos;
    private final BulkExportHelperService helper;
    private final IHapiTransactionService transactions;
    private final FhirContext fhir;

    public BulkExportLocations(IBulkExportProcessor<JpaPid> hapi, DirectoryEntries directory, DaoRegistry daos,
            BulkExportHelperService helper, IHapiTransactionService transactions, FhirContext fhir) {
        this.hapi = hapi;
        this.directory = directory;
        this.daos = daos;
        this.helper = helper;
        this.transactions = transactions;
        this.fhir = fhir;
    }

    /** A Group or Patient export without {@code _type}: HAPI's default types, and Location. */
    @Hook(Pointcut.STORAGE_PRE_INITIATE_BULK_EXPORT)
    public void addLocation(BulkExportJobParameters parameters, RequestDetails request) {
        boolean perPatient = parameters.getExportStyle() == ExportStyle.GROUP || parameters.getExportStyle() == ExportStyle.PATIENT;
        String[] type = request.getParameters().get(TYPE_PARAM);
        boolean explicit = type != null && type.length > 0 && !type[0].isBlank();
        if (perPatient && !explicit && !parameters.getResourceTypes().contains(LOCATION)) {
            List<String> types = new ArrayList<>(parameters.getResourceTypes());
            types.add(LOCATION);
            parameters.setResourceTypes(types);
        }
    }

    @Override
    public Iterator<JpaPid> getResourcePidIterator(ExportPIDIteratorParameters params) {
        boolean perPatient = params.getExportStyle() == ExportStyle.GROUP || params.getExportStyle() == ExportStyle.PATIENT;
        if (!perPatient || !LOCATION.equals(params.getResourceType())) {
            return hapi.getResourcePidIterator(params);
        }
        return transactions.withRequest(params.getRequestDetails())
                .withRequestPartitionId(params.getPartitionIdOrAllPartitions())
                .readOnly()
                .execute(() -> referencedLocations(params).iterator());
    }

    private Collection<JpaPid> referencedLocations(ExportPIDIteratorParameters params) {
        List<String> patients = patientIds(params);
        Set<String> ids = new TreeSet<>();
        for (int i = 0; i < patients.size(); i += CHUNK) {
            ids.addAll(directory.referencedBy(patients.subList(i, Math.min(patients.size(), i + CHUNK)), LOCATION));
        }
        Set<JpaPid> pids = new LinkedHashSet<>();
        List<String> sorted = List.copyOf(ids);
        SystemRequestDetails system = new SystemRequestDetails().setRequestPartitionId(params.getPartitionIdOrAllPartitions());
        for (int i = 0; i < sorted.size(); i += CHUNK) {
            List<String> chunk = sorted.subList(i, Math.min(sorted.size(), i + CHUNK));
            // one map per _typeFilter of Location (ORed), each with the job's _since/_until
            for (SearchParameterMap map : helper.createSearchParameterMapsForResourceType(
                    fhir.getResourceDefinition(LOCATION), params, true)) {
                TokenOrListParam idIn = new TokenOrListParam();
                chunk.forEach(id -> idIn.add(null, id));
                map.add(IAnyResource.SP_RES_ID, idIn);
                map.setLoadSynchronous(true);
                List<JpaPid> found = daos.getResourceDao(LOCATION).searchForIds(map, system);
                pids.addAll(found);
            }
        }
        return pids;
    }

    /** The bare ids of the export's patients: the work package's, else the Group's members or every Patient. */
    private List<String> patientIds(ExportPIDIteratorParameters params) {
        Collection<String> ids = params.getPatientIds();
        if (ids == null || ids.isEmpty()) {
            if (params.getExportStyle() == ExportStyle.GROUP) {
                ids = hapi.getPatientSetForGroupExport(params);
            } else {
                // Patient/$export without ids: every Patient
                SystemRequestDetails system = new SystemRequestDetails().setRequestPartitionId(params.getPartitionIdOrAllPartitions());
                List<IIdType> all = daos.getResourceDao(PATIENT).searchForResourceIds(SearchParameterMap.newSynchronous(), system);
                ids = all.stream().map(IIdType::getIdPart).toList();
            }
        }
        return ids.stream().map(id -> id.substring(id.lastIndexOf('/') + 1)).distinct().toList();
    }

    @Override
    public void expandMdmResources(List<IBaseResource> resources) {
        hapi.expandMdmResources(resources);
    }

    @Override
    public Set<String> getPatientSetForGroupExport(ExportPIDIteratorParameters params) {
        return hapi.getPatientSetForGroupExport(params);
    }

    @Override
    public Set<String> getPatientSetForPatientExport(ExportPIDIteratorParameters params) {
        return hapi.getPatientSetForPatientExport(params);
    }
}
