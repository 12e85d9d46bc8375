package org.portico.fhir.capability;

import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import java.net.URI;
import org.hl7.fhir.instance.model.api.IBaseConformance;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.UriType;
import org.portico.smart.discovery.SmartConfiguration;

/**
 * Declares SMART on FHIR in the CapabilityStatement: the security service coding, CORS, and the
 * {@code oauth-uris} extension with the same endpoints as {@code .well-known/smart-configuration}.
 */
@Interceptor
public final class SmartCapabilityInterceptor {

    public static final String OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";
    public static final String SECURITY_SERVICE_SYSTEM = "http://terminology.hl7.org/CodeSystem/restful-security-service";
    public static final String SMART_ON_FHIR = "SMART-on-FHIR";

    private final SmartConfiguration smart;

    public SmartCapabilityInterceptor(URI issuer) {
        this.smart = SmartConfiguration.portico(issuer);
    }

    @Hook(Pointcut.SERVER_CAPABILITY_STATEMENT_GENERATED)
    public void addSmartSecurity(IBaseConformance capabilityStatement) {
        CapabilityStatement cs = (CapabilityStatement) capabilityStatement;
        CapabilityStatement.CapabilityStatementRestSecurityComponent security = cs.getRestFirstRep().getSecurity();
        security.setCors(true);
        security.getService().clear();
        CodeableConcept service = security.addService();
        service.addCoding().setSystem(SECURITY_SERVICE_SYSTEM).setCode(SMART_ON_FHIR).setDisplay("SMART-on-FHIR");
        service.setText("OAuth2 using SMART on FHIR profile (see http://docs.smarthealthit.org)");
        security.setDescription("Requests need an OAuth 2.0 Bearer access token from the SMART authorization server");
        security.removeExtension(OAUTH_URIS);
        Extension oauth = security.addExtension().setUrl(OAUTH_URIS);
        add(oauth, "authorize", smart.authorizationEndpoint());
        add(oauth, "token", smart.tokenEndpoint());
        add(oauth, "register", smart.registrationEndpoint());
        add(oauth, "manage", smart.managementEndpoint());
        add(oauth, "introspect", smart.introspectionEndpoint());
        add(oauth, "revoke", smart.revocationEndpoint());
    }

    private static void add(Extension oauth, String name, URI uri) {
        if (uri != null) {
            oauth.addExtension(name, new UriType(uri.toString()));
        }
    }
}
