package org.portico.fhir.capability;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.List;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceOperationComponent;

/**
 * Declares FHIR Bulk Data Access 2.0 (ADR 0013): the statement {@code instantiates} the Bulk Data
 * server CapabilityStatement, and the {@code export} operations (system, {@code Patient},
 * {@code Group}) name the Bulk Data OperationDefinitions, as the (g)(10) kit reads them.
 */
@Interceptor
public final class BulkDataCapability {

    public static final String BULK_DATA = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    static final String OPERATIONS = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/";
    static final String EXPORT = "export";

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void describe(IBaseConformance capabilityStatement) {
        CapabilityStatement cs = (CapabilityStatement) capabilityStatement;
        if (!cs.hasInstantiates(BULK_DATA)) {
            cs.addInstantiates(BULK_DATA);
        }
        CapabilityStatement.CapabilityStatementRestComponent rest = cs.getRestFirstRep();
        export(rest.getOperation(), OPERATIONS + EXPORT);
        for (CapabilityStatementRestResourceComponent resource : rest.getResource()) {
            switch (resource.getType()) {
                case "Patient" -> export(resource.getOperation(), OPERATIONS + "patient-export");
                case "Group" -> export(resource.getOperation(), OPERATIONS + "group-export");
                default -> { }
            }
        }
    }

    private static void export(List<CapabilityStatementRestResourceOperationComponent> operations, String definition) {
        operations.removeIf(o -> EXPORT.equals(o.getName()));
        operations.add(new CapabilityStatementRestResourceOperationComponent().setName(EXPORT).setDefinition(definition)
                .setDocumentation("FHIR Bulk Data Access 2.0 export (Prefer: respond-async); backend services tokens only"));
    }
}
