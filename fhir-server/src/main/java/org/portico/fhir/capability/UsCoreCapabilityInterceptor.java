package org.portico.fhir.capability;

import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CanonicalType;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CapabilityStatement.CapabilityStatementRestResourceComponent;
import org.hl7.fhir.r4.model.CapabilityStatement.TypeRestfulInteraction;
import org.hl7.fhir.r4.model.StringType;
import org.portico.fhir.ig.UsCoreContract;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares US Core on HAPI's generated CapabilityStatement, which already lists what the server really
 * does (every active search parameter from the registry, an include per reference parameter, the
 * revincludes): it {@code instantiates} US Core's server CapabilityStatement, each resource type's
 * {@code supportedProfile} becomes exactly the US Core profiles of that type that the server holds
 * (HAPI's own list would mix in every stored version and base-spec profiles), US Core's typed includes
 * ({@code CareTeam:participant:Practitioner}) are added where their untyped include is declared, and
 * {@code Provenance:target} is declared as a revinclude of every searchable type.
 */
@Interceptor
public final class UsCoreCapabilityInterceptor {

    static final String US_CORE_IG = "http://hl7.org/fhir/us/core/ImplementationGuide/hl7.fhir.us.core";
    static final String PROVENANCE_TARGET = "Provenance:target";
    private static final Logger log = LoggerFactory.getLogger(UsCoreCapabilityInterceptor.class);

    private final UsCoreContract contract;
    private final IValidationSupport validationSupport;
    private volatile Map<String, CapabilityStatementRestResourceComponent> usCore;

    public UsCoreCapabilityInterceptor(UsCoreContract contract, IValidationSupport validationSupport) {
        this.contract = contract;
        this.validationSupport = validationSupport;
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void declareUsCore(IBaseConformance capabilityStatement) {
        CapabilityStatement cs = (CapabilityStatement) capabilityStatement;
        cs.getInstantiates().removeIf(c -> c.getValue().startsWith(UsCoreContract.SERVER_CAPABILITY_STATEMENT));
        cs.addInstantiates(contract.serverCapabilityStatementCanonical());
        String ig = US_CORE_IG + "|" + UsCoreContract.SERVED.version();
        if (cs.getImplementationGuide().stream().noneMatch(c -> ig.equals(c.getValue()))) {
            cs.addImplementationGuide(ig);
        }
        Map<String, CapabilityStatementRestResourceComponent> required = usCore();
        for (CapabilityStatementRestResourceComponent resource : cs.getRestFirstRep().getResource()) {
            resource.getSupportedProfile().clear();
            CapabilityStatementRestResourceComponent uc = required.get(resource.getType());
            if (uc != null) {
                uc.getSupportedProfile().forEach(p -> resource.addSupportedProfile(p.getValue()));
                for (StringType include : uc.getSearchInclude()) {
                    if (declaresTypedFormOf(resource.getSearchInclude(), include.getValue())) {
                        resource.addSearchInclude(include.getValue());
                    }
                }
            }
            if (searchable(resource) && resource.getSearchRevInclude().stream().noneMatch(s -> PROVENANCE_TARGET.equals(s.getValue()))) {
                resource.addSearchRevInclude(PROVENANCE_TARGET);
            }
        }
    }

    /** US Core's resources, with only the profiles this server holds (US Core also names profiles of other IGs). */
    private Map<String, CapabilityStatementRestResourceComponent> usCore() {
        Map<String, CapabilityStatementRestResourceComponent> result = usCore;
        if (result == null) {
            result = new LinkedHashMap<>();
            List<String> missing = new ArrayList<>();
            for (CapabilityStatementRestResourceComponent r : contract.serverCapabilityStatement().getRestFirstRep().getResource()) {
                List<CanonicalType> held = new ArrayList<>();
                for (CanonicalType profile : r.getSupportedProfile()) {
                    if (validationSupport.fetchStructureDefinition(profile.getValue()) != null) {
                        held.add(profile);
                    } else {
                        missing.add(profile.getValue());
                    }
                }
                r.setSupportedProfile(held);
                result.put(r.getType(), r);
            }
            if (!missing.isEmpty()) {
                log.info("US Core's server CapabilityStatement names profiles this server does not hold; not declared: {}", missing);
            }
            usCore = Map.copyOf(result);
        }
        return result;
    }

    /** Whether {@code Type:param:Target} is new and {@code Type:param} is declared. */
    private static boolean declaresTypedFormOf(List<StringType> declared, String include) {
        if (declared.stream().anyMatch(s -> include.equals(s.getValue()))) {
            return false;
        }
        String[] parts = include.split(":");
        String untyped = parts.length == 3 ? parts[0] + ":" + parts[1] : null;
        return untyped != null && declared.stream().anyMatch(s -> untyped.equals(s.getValue()));
    }

    private static boolean searchable(CapabilityStatementRestResourceComponent resource) {
        return resource.getInteraction().stream().anyMatch(i -> i.getCode() == TypeRestfulInteraction.SEARCHTYPE);
    }
}
