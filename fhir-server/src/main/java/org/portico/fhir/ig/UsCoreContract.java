package org.portico.fhir.ig;

import ca.uhn.fhir.context.FhirContext;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.SearchParameter;
import org.hl7.fhir.utilities.npm.NpmPackage;
import org.springframework.stereotype.Component;

/**
 * What the served US Core version ({@link BundledPackage#US_CORE_7}) asks of a server, read from its
 * package: its SearchParameters and its server CapabilityStatement (profiles, search parameters,
 * includes per resource type). Read once, on first use, from the classpath archive itself.
 */
@Component
public class UsCoreContract {

    public static final BundledPackage SERVED = BundledPackage.US_CORE_7;
    public static final String SERVER_CAPABILITY_STATEMENT = "http://hl7.org/fhir/us/core/CapabilityStatement/us-core-server";

    private record Parsed(List<SearchParameter> searchParameters, CapabilityStatement server) {}

    private final FhirContext fhir;
    private volatile Parsed parsed;

    public UsCoreContract(FhirContext fhir) {
        this.fhir = fhir;
    }

    public List<SearchParameter> searchParameters() {
        return parsed().searchParameters();
    }

    /** A copy of US Core's server CapabilityStatement, safe to change. */
    public CapabilityStatement serverCapabilityStatement() {
        return parsed().server().copy();
    }

    /** {@code url|version} of US Core's server CapabilityStatement, for {@code instantiates}. */
    public String serverCapabilityStatementCanonical() {
        return SERVER_CAPABILITY_STATEMENT + "|" + SERVED.version();
    }

    private Parsed parsed() {
        Parsed p = parsed;
        if (p == null) {
            synchronized (this) {
                if (parsed == null) {
                    parsed = parse();
                }
                p = parsed;
            }
        }
        return p;
    }

    private Parsed parse() {
        try {
            NpmPackage npm = NpmPackage.fromPackage(new ByteArrayInputStream(FhirPackages.read(SERVED)));
            NpmPackage.NpmPackageFolder folder = npm.getFolders().get("package");
            List<SearchParameter> params = new ArrayList<>();
            for (String file : folder.getTypes().getOrDefault("SearchParameter", List.of())) {
                params.add(parse(folder, file, SearchParameter.class));
            }
            CapabilityStatement server = null;
            for (String file : folder.getTypes().getOrDefault("CapabilityStatement", List.of())) {
                CapabilityStatement cs = parse(folder, file, CapabilityStatement.class);
                if (SERVER_CAPABILITY_STATEMENT.equals(cs.getUrl())) {
                    server = cs;
                }
            }
            if (server == null) {
                throw new IllegalStateException(SERVED.id() + " has no " + SERVER_CAPABILITY_STATEMENT);
            }
            return new Parsed(List.copyOf(params), server);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + SERVED.classpathResource(), e);
        }
    }

    private <T extends org.hl7.fhir.instance.model.api.IBaseResource> T parse(NpmPackage.NpmPackageFolder folder,
            String file, Class<T> type) throws IOException {
        return fhir.newJsonParser().parseResource(type, new String(folder.fetchFile(file), StandardCharsets.UTF_8));
    }
}
