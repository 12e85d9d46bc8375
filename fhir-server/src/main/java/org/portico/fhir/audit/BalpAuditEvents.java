package org.portico.fhir.audit;

import ca.uhn.fhir.storage.interceptor.balp.BalpConstants;
import ca.uhn.fhir.storage.interceptor.balp.BalpProfileEnum;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventAgentComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventEntityComponent;
import org.hl7.fhir.r4.model.AuditEvent.AuditEventOutcome;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Reference;

/**
 * Turns an {@link AuditRecord} into an AuditEvent of the IHE Basic Audit Log Patterns (BALP): the
 * profile, action and agent types come from HAPI's {@link BalpProfileEnum}, the codes from
 * {@link BalpConstants}, so the shape matches what HAPI's own BALP interceptor writes, plus what
 * that interceptor leaves out: failures, the returned resources, the OAuth client as an identifier.
 */
public final class BalpAuditEvents {

    static final String SOURCE_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/security-source-type";
    static final String BALP_ENTITY_TYPE_SYSTEM = "https://profiles.ihe.net/ITI/BALP/CodeSystem/BasicAuditEntityType";
    static final String PARTICIPATION_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";
    /** Identifier system of the client agent: OAuth client ids are registered at the issuer. */
    static final String CLIENT_ID_SUFFIX = "#client_id";

    private final String fhirBase;
    private final String issuer;

    public BalpAuditEvents(URI fhirBase, URI issuer) {
        this.fhirBase = fhirBase.toString();
        this.issuer = issuer.toString();
    }

    /**
     * @param linkResources whether patients are FHIR references ({@code what.reference}, searchable
     *                      with {@code AuditEvent?patient=}); false when a patient no longer exists,
     *                      which leaves them as identifiers so the event is still stored. Resources
     *                      are always identifiers ({@code what.identifier.value = Observation/123})
     */
    public AuditEvent build(AuditRecord r, boolean linkResources) {
        BalpProfileEnum profile = profile(r);
        AuditEvent e = new AuditEvent();
        e.getMeta().addProfile(profile.getProfileUrl());
        e.getType().setSystem(BalpConstants.CS_AUDIT_EVENT_TYPE).setCode("rest").setDisplay("Restful Operation");
        e.addSubtype().setSystem(BalpConstants.CS_RESTFUL_INTERACTION).setCode(r.interaction()).setDisplay(r.interaction());
        e.setAction(profile.getAction());
        e.setRecorded(Date.from(r.recorded()));
        e.setOutcome(outcome(r.httpStatus()));
        if (!r.succeeded()) {
            e.setOutcomeDesc("HTTP " + r.httpStatus() + (r.detail() == null ? "" : ": " + r.detail()));
        }

        e.getSource().setSite(fhirBase);
        e.getSource().getObserver().setDisplay(fhirBase).getIdentifier().setValue(fhirBase);
        e.getSource().addType(new Coding(SOURCE_TYPE_SYSTEM, "4", "Application Server"));

        boolean hasUser = r.userSubject() != null;
        AuditEventAgentComponent client = e.addAgent();
        client.getType().addCoding(profile.getAgentClientTypeCoding());
        if (r.clientId() != null) {
            client.getWho().setDisplay(r.clientId()).getIdentifier().setSystem(issuer + CLIENT_ID_SUFFIX).setValue(r.clientId());
        } else {
            client.getWho().setDisplay("unauthenticated caller");
        }
        if (r.sourceAddress() != null) {
            client.getNetwork().setAddress(r.sourceAddress()).setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_IP_ADDRESS);
        }
        client.setRequestor(!hasUser);

        AuditEventAgentComponent server = e.addAgent();
        server.getType().addCoding(profile.getAgentServerTypeCoding());
        server.getWho().setDisplay(fhirBase);
        server.getNetwork().setAddress(fhirBase).setType(BalpConstants.AUDIT_EVENT_AGENT_NETWORK_TYPE_URI);
        server.setRequestor(false);

        if (hasUser) {
            AuditEventAgentComponent user = e.addAgent();
            user.getType().addCoding(new Coding(PARTICIPATION_TYPE_SYSTEM, "IRCP", "information recipient"));
            // an identifier, not a reference: a proxy's own Patient record must not pull the
            // patients they act for into their compartment
            Reference who = user.getWho();
            who.getIdentifier().setSystem(issuer).setValue(r.userSubject());
            who.setDisplay(r.fhirUser() != null ? r.fhirUser() : r.userSubject());
            if (r.fhirUser() != null) {
                user.setAltId(r.fhirUser());
                // a proxy (a parent, a caregiver) acting for the patient named as the entity (issue 9): the
                // type says so without a reference, which would pull the event into another compartment
                String type = userResourceType(r.fhirUser());
                if (type != null) {
                    who.setType(type);
                }
            }
            user.setRequestor(true);
        }

        AuditEventEntityComponent transaction = e.addEntity();
        transaction.getType().setSystem(BALP_ENTITY_TYPE_SYSTEM).setCode("XrequestId");
        transaction.getWhat().getIdentifier().setValue(r.requestId());
        transaction.setDescription(requestLine(r));

        if (isQuery(profile)) {
            AuditEventEntityComponent query = e.addEntity();
            query.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE)
                    .setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
                    .setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
            query.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE).setCode(BalpConstants.CS_OBJECT_ROLE_24_QUERY)
                    .setDisplay("Query");
            query.setDescription(requestLine(r));
            query.setQuery(absolute(r.requestUrl()).getBytes(StandardCharsets.UTF_8));
        }

        for (String patient : r.patients()) {
            AuditEventEntityComponent entity = e.addEntity();
            entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE)
                    .setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON)
                    .setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_1_PERSON_DISPLAY);
            entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE)
                    .setCode(BalpConstants.CS_OBJECT_ROLE_1_PATIENT)
                    .setDisplay(BalpConstants.CS_OBJECT_ROLE_1_PATIENT_DISPLAY);
            what(entity, "Patient/" + patient, linkResources);
        }
        for (String resource : r.resources()) {
            AuditEventEntityComponent entity = e.addEntity();
            entity.getType().setSystem(BalpConstants.CS_AUDIT_ENTITY_TYPE)
                    .setCode(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT)
                    .setDisplay(BalpConstants.CS_AUDIT_ENTITY_TYPE_2_SYSTEM_OBJECT_DISPLAY);
            entity.getRole().setSystem(BalpConstants.CS_OBJECT_ROLE)
                    .setCode(BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE)
                    .setDisplay(BalpConstants.CS_OBJECT_ROLE_4_DOMAIN_RESOURCE_DISPLAY);
            // an identifier, not a reference: a reference would cost the drain a lookup and an index
            // row per resource (6 AuditEvents/s with 20 references each, ADR 0005) and block deletes
            what(entity, resource, false);
        }
        return e;
    }

    /** {@code Patient}, {@code RelatedPerson}, {@code Practitioner}... of a {@code fhirUser} URL, or null. */
    static String userResourceType(String fhirUser) {
        String[] parts = fhirUser.split("/");
        if (parts.length < 2) {
            return null;
        }
        String type = parts[parts.length - 2];
        return type.matches("[A-Z][A-Za-z]{1,63}") ? type : null;
    }

    private void what(AuditEventEntityComponent entity, String relativeReference, boolean link) {
        if (link) {
            entity.getWhat().setReference(relativeReference);
        } else {
            entity.getWhat().setDisplay(relativeReference).getIdentifier().setSystem(fhirBase).setValue(relativeReference);
        }
    }

    static BalpProfileEnum profile(AuditRecord r) {
        boolean patient = !r.patients().isEmpty();
        return switch (r.interaction()) {
            case "read", "vread" -> patient ? BalpProfileEnum.PATIENT_READ : BalpProfileEnum.BASIC_READ;
            case "create" -> patient ? BalpProfileEnum.PATIENT_CREATE : BalpProfileEnum.BASIC_CREATE;
            case "update", "patch" -> patient ? BalpProfileEnum.PATIENT_UPDATE : BalpProfileEnum.BASIC_UPDATE;
            case "delete" -> patient ? BalpProfileEnum.PATIENT_DELETE : BalpProfileEnum.BASIC_DELETE;
            // searches, history, operations, batch/transaction: a query the server executed
            default -> patient ? BalpProfileEnum.PATIENT_QUERY : BalpProfileEnum.BASIC_QUERY;
        };
    }

    private static boolean isQuery(BalpProfileEnum profile) {
        return profile == BalpProfileEnum.PATIENT_QUERY || profile == BalpProfileEnum.BASIC_QUERY;
    }

    static AuditEventOutcome outcome(int httpStatus) {
        if (httpStatus < 400) {
            return AuditEventOutcome._0;
        }
        return httpStatus < 500 ? AuditEventOutcome._4 : AuditEventOutcome._8;
    }

    private String requestLine(AuditRecord r) {
        return (r.requestMethod() == null ? "" : r.requestMethod() + " ") + (r.requestUrl() == null ? "" : r.requestUrl());
    }

    private String absolute(String requestUrl) {
        return requestUrl == null ? fhirBase : fhirBase + "/" + requestUrl;
    }
}
