package org.portico.fhir.ingest;

import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.api.dao.IFhirResourceDao;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.param.TokenParam;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceVersionConflictException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Organization;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers sources (ADR 0017): the registry row and the source's Organization, in one transaction;
 * a second registration of the same URI updates both. Also keeps Portico's own Organization, the
 * transmitter of every ingest Provenance.
 */
public final class SourceAdministration {

    /** Organizations of sources and of Portico are found by their URL under this identifier system. */
    static final String URI_SYSTEM = "urn:ietf:rfc:3986";

    /** What an operator registers. {@code organization} may be null: an Organization is then made from the name. */
    public record Registration(String name, URI uri, String clientId, String recordIdSystem, List<String> mrnSystems,
            Organization organization, IngestValidation.Mode validation) {}

    private final DaoRegistry daos;
    private final SourceRegistry registry;
    private final TransactionTemplate transactions;
    private final URI porticoUri;
    private final Clock clock;
    private volatile String porticoOrganizationId;

    public SourceAdministration(DaoRegistry daos, SourceRegistry registry, TransactionTemplate transactions, URI porticoUri, Clock clock) {
        this.daos = daos;
        this.registry = registry;
        this.transactions = transactions;
        this.porticoUri = porticoUri;
        this.clock = clock;
    }

    public Source register(Registration registration) {
        check(registration);
        return transactions.execute(status -> {
            Optional<Source> byClient = registry.byClient(registration.clientId());
            Optional<Source> existing = registry.byUri(registration.uri());
            if (byClient.isPresent() && (existing.isEmpty() || !byClient.get().id().equals(existing.get().id()))) {
                throw new ResourceVersionConflictException("The client " + registration.clientId() + " already pushes for another source");
            }
            porticoOrganization(true);
            Organization organization = registration.organization() == null ? new Organization() : registration.organization().copy();
            if (!organization.hasName()) {
                organization.setName(registration.name());
            }
            organization.getIdentifier().removeIf(i -> URI_SYSTEM.equals(i.getSystem()));
            organization.addIdentifier().setSystem(URI_SYSTEM).setValue(registration.uri().toString());
            organization.setActive(true);
            organization.getMeta().setSource(registration.uri().toString());
            IFhirResourceDao<Organization> organizations = daos.getResourceDao(Organization.class);
            Source source;
            if (existing.isPresent()) {
                organization.setId("Organization/" + existing.get().organizationId());
                organizations.update(organization, new SystemRequestDetails());
                source = new Source(existing.get().id(), registration.name(), registration.uri(), registration.clientId(),
                        existing.get().organizationId(), registration.recordIdSystem(), registration.mrnSystems(), registration.validation());
                registry.update(source, clock.instant());
            } else {
                organization.setId((String) null);
                String organizationId = organizations.create(organization, new SystemRequestDetails()).getId().getIdPart();
                source = new Source(UUID.randomUUID().toString(), registration.name(), registration.uri(), registration.clientId(),
                        organizationId, registration.recordIdSystem(), registration.mrnSystems(), registration.validation());
                registry.insert(source, clock.instant());
            }
            return source;
        });
    }

    private static void check(Registration r) {
        if (blank(r.name()) || r.uri() == null || !r.uri().isAbsolute() || blank(r.clientId()) || blank(r.recordIdSystem())) {
            throw new InvalidRequestException("A source needs a name, an absolute uri (its meta.source), a client-id and a record-id-system");
        }
        if (r.mrnSystems().stream().anyMatch(SourceAdministration::blank) || r.mrnSystems().contains(r.recordIdSystem())) {
            throw new InvalidRequestException("An mrn-system must be a non-blank system other than the record-id-system");
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    /** Portico's Organization id (registering the first source creates it). */
    public String porticoOrganizationId() {
        String id = porticoOrganizationId;
        if (id == null) {
            id = porticoOrganization(false);
        }
        if (id == null) {
            throw new IllegalStateException("no source is registered yet");
        }
        return id;
    }

    private String porticoOrganization(boolean create) {
        IFhirResourceDao<Organization> organizations = daos.getResourceDao(Organization.class);
        List<IBaseResource> found = organizations.search(SearchParameterMap.newSynchronous("identifier",
                new TokenParam(URI_SYSTEM, porticoUri.toString())), new SystemRequestDetails()).getAllResources();
        if (!found.isEmpty()) {
            porticoOrganizationId = found.get(0).getIdElement().getIdPart();
            return porticoOrganizationId;
        }
        if (!create) {
            return null;
        }
        Organization portico = new Organization().setName("Portico").setActive(true);
        portico.addIdentifier().setSystem(URI_SYSTEM).setValue(porticoUri.toString());
        // remembered after the commit only: a rolled-back registration leaves no Organization behind
        return organizations.create(portico, new SystemRequestDetails()).getId().getIdPart();
    }
}
