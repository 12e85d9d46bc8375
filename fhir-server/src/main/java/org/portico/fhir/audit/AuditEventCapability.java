package org.portico.fhir.audit;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.ResourceVersionPolicy;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.Enumerations.SearchParamType;

/**
 * The CapabilityStatement's AuditEvent entry says what {@link AuditEventProvider} serves (ADR 0012),
 * not what HAPI's search parameter registry knows about the type: read and search by
 * {@code patient} and {@code date}, no history, no writes, no includes; and no other type offers
 * {@code _revinclude=AuditEvent:...}, since AuditEvents are not in HAPI's tables. Runs after the
 * hooks that build the statement (register it last).
 */
@Interceptor
public final class AuditEventCapability {

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance capabilityStatement) {
        CapabilityStatement cs = (CapabilityStatement) capabilityStatement;
        for (CapabilityStatementRestResourceComponent resource : cs.getRestFirstRep().getResource()) {
            resource.getSearchRevInclude().removeIf(r -> r.getValue() != null
                    && r.getValue().startsWith(AuditCaptureInterceptor.AUDIT_EVENT + ":"));
            if (!AuditCaptureInterceptor.AUDIT_EVENT.equals(resource.getType())) {
                continue;
            }
            resource.getInteraction().clear();
            resource.addInteraction().setCode(TypeRestfulInteraction.READ);
            resource.addInteraction().setCode(TypeRestfulInteraction.SEARCHTYPE);
            resource.setVersioning(ResourceVersionPolicy.NOVERSION);
            resource.setReadHistory(false);
            resource.setUpdateCreate(false);
            resource.setConditionalCreate(false);
            resource.setConditionalUpdate(false);
            resource.setConditionalRead(null);
            resource.setConditionalDelete(null);
            resource.getSearchInclude().clear();
            resource.getSearchRevInclude().clear();
            resource.getSearchParam().clear();
            resource.addSearchParam().setName("patient").setType(SearchParamType.REFERENCE)
                    .setDefinition("http://hl7.org/fhir/SearchParameter/clinical-patient")
                    .setDocumentation("Events concerning the patient (comma: any of them; repeated: all of them)");
            resource.addSearchParam().setName("date").setType(SearchParamType.DATE)
                    .setDefinition("http://hl7.org/fhir/SearchParameter/AuditEvent-date")
                    .setDocumentation("When the event was recorded; _sort=date or -date (default), _count at most "
                            + AuditEventProvider.MAX_PAGE);
        }
    }
}
