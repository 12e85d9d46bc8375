package org.portico.fhir.audit;

import ca.uhn.fhir.rest.annotation.Count;
import ca.uhn.fhir.rest.annotation.IdParam;
import ca.uhn.fhir.rest.annotation.Offset;
import ca.uhn.fhir.rest.annotation.OptionalParam;
import ca.uhn.fhir.rest.annotation.Read;
import ca.uhn.fhir.rest.annotation.Search;
import ca.uhn.fhir.rest.annotation.Sort;
import ca.uhn.fhir.rest.api.SortOrderEnum;
import ca.uhn.fhir.rest.api.SortSpec;
import ca.uhn.fhir.rest.api.server.IBundleProvider;
import ca.uhn.fhir.rest.param.DateRangeParam;
import ca.uhn.fhir.rest.param.ReferenceAndListParam;
import ca.uhn.fhir.rest.param.ReferenceOrListParam;
import ca.uhn.fhir.rest.param.ReferenceParam;
import ca.uhn.fhir.rest.server.IResourceProvider;
import ca.uhn.fhir.rest.server.SimpleBundleProvider;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.IdType;

/**
 * Serves the audit log (ADR 0012) as BALP AuditEvents: read by id, and search by {@code patient}
 * and {@code date} ({@code ge}/{@code gt}/{@code le}/{@code lt}/{@code eq}), sorted by {@code date}
 * (newest first unless {@code _sort=date}), paged with {@code _count} and {@code _offset}. Read-only:
 * nobody writes an AuditEvent through the API. Authorization is the same as for every resource:
 * {@code patient/AuditEvent.rs} (or {@code *}) in the patient's compartment, every result checked.
 */
public final class AuditEventProvider implements IResourceProvider {

    static final int DEFAULT_PAGE = 50;
    static final int MAX_PAGE = 500;
    private static final String PATIENT = "Patient";

    private final AuditLog log;
    private final BalpAuditEvents events;

    public AuditEventProvider(AuditLog log, BalpAuditEvents events) {
        this.log = log;
        this.events = events;
    }

    @Override
    public Class<AuditEvent> getResourceType() {
        return AuditEvent.class;
    }

    @Read
    public AuditEvent read(@IdParam IdType id) {
        return log.find(id.getIdPart()).map(this::toResource)
                .orElseThrow(() -> new ResourceNotFoundException(new IdType("AuditEvent", id.getIdPart())));
    }

    @Search
    public IBundleProvider search(
            @OptionalParam(name = AuditEvent.SP_PATIENT, targetTypes = {org.hl7.fhir.r4.model.Patient.class}) ReferenceAndListParam patient,
            @OptionalParam(name = AuditEvent.SP_DATE) DateRangeParam date,
            @Sort SortSpec sort,
            @Count Integer count,
            @Offset Integer offset) {
        List<List<String>> patients = new ArrayList<>();
        if (patient != null) {
            for (ReferenceOrListParam anyOf : patient.getValuesAsQueryTokens()) {
                List<String> ids = new ArrayList<>();
                for (ReferenceParam ref : anyOf.getValuesAsQueryTokens()) {
                    ids.add(patientId(ref));
                }
                patients.add(ids);
            }
        }
        Date from = date == null ? null : date.getLowerBoundAsInstant();
        Date to = date == null ? null : date.getUpperBoundAsInstant();
        AuditLog.Query query = new AuditLog.Query(patients, from == null ? null : from.toInstant(),
                to == null ? null : to.toInstant(), newestFirst(sort));

        int pageSize = count == null ? DEFAULT_PAGE : Math.max(0, Math.min(count, MAX_PAGE));
        int start = offset == null ? 0 : offset;
        if (start < 0) {
            throw new InvalidRequestException("_offset must not be negative");
        }
        List<IBaseResource> page = new ArrayList<>();
        for (AuditRecord r : log.search(query, start, pageSize)) {
            page.add(toResource(r));
        }
        SimpleBundleProvider result = new SimpleBundleProvider(page);
        result.setCurrentPageOffset(start);
        result.setCurrentPageSize(pageSize);
        result.setSize(log.count(query));
        return result;
    }

    AuditEvent toResource(AuditRecord r) {
        AuditEvent e = events.build(r, true);
        e.setId(new IdType("AuditEvent", r.id(), "1"));
        e.getMeta().setVersionId("1").setLastUpdated(Date.from(r.recorded()));
        return e;
    }

    private static String patientId(ReferenceParam ref) {
        if (ref.hasResourceType() && !PATIENT.equals(ref.getResourceType())) {
            throw new InvalidRequestException("patient must reference a Patient");
        }
        String id = ref.getIdPart();
        if (id == null || id.isBlank()) {
            throw new InvalidRequestException("patient needs a Patient id");
        }
        return id;
    }

    private static boolean newestFirst(SortSpec sort) {
        if (sort == null) {
            return true;
        }
        if (!AuditEvent.SP_DATE.equals(sort.getParamName()) || sort.getChain() != null) {
            throw new InvalidRequestException("AuditEvents can be sorted by date only (_sort=date or _sort=-date)");
        }
        return sort.getOrder() == SortOrderEnum.DESC;
    }
}
