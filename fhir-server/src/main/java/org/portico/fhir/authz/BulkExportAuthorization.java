package org.portico.fhir.authz;

import ca.uhn.fhir.batch2.api.IJobCoordinator;
import ca.uhn.fhir.batch2.model.JobInstance;
import ca.uhn.fhir.batch2.model.StatusEnum;
import ca.uhn.fhir.interceptor.api.Hook;
import ca.uhn.fhir.interceptor.api.Interceptor;
import ca.uhn.fhir.interceptor.api.Pointcut;
import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.api.RestOperationTypeEnum;
import ca.uhn.fhir.rest.api.server.IPreResourceShowDetails;
import ca.uhn.fhir.rest.api.server.RequestDetails;
import ca.uhn.fhir.rest.api.server.ResponseDetails;
import ca.uhn.fhir.rest.api.server.bulk.BulkExportJobParameters;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.exceptions.ForbiddenOperationException;
import ca.uhn.fhir.rest.server.exceptions.InvalidRequestException;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
import ca.uhn.fhir.rest.server.interceptor.auth.IAuthRule;
import ca.uhn.fhir.rest.server.interceptor.auth.RuleBuilder;
import ca.uhn.fhir.rest.server.servlet.ServletRequestDetails;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.Binary;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Group;
import org.hl7.fhir.r4.model.OperationOutcome;
import org.hl7.fhir.r4.model.Parameters;
import org.portico.fhir.security.BearerTokenInterceptor;
import org.portico.fhir.security.VerifiedToken;
import org.portico.smart.scope.Interaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FHIR Bulk Data export (ADR 0013) on HAPI's own job machinery, with Portico's rules:
 * <ul>
 * <li>only a backend-services token (server-wide {@code system/} scopes) kicks off, polls, cancels or
 * downloads; patient and user tokens get 403;</li>
 * <li>the exported types are the token's {@code r}-granted types: a {@code _type} naming another type is
 * refused (403), no {@code _type} exports the granted ones; a granular grant
 * ({@code system/Observation.rs?category=laboratory}) becomes a post-fetch filter of the job, so no
 * resource outside the grant is written into a file;</li>
 * <li>the job and its files belong to the client that started it ({@code Binary.securityContext}
 * names it); another client's poll, cancel or download answers 404 as for an unknown job or file, and
 * export files are never shown by a search, history or any other read path, nor written by clients;</li>
 * <li>Groups (export cohorts, in every member's Patient compartment) are shown to backend tokens only.</li>
 * </ul>
 * {@link ScopeAuthorizationInterceptor} asks {@link #admit} before HAPI's rules and takes the rules of
 * a bulk request from {@link #rules}.
 */
@Interceptor
public final class BulkExportAuthorization {

    public static final String EXPORT = "$export";
    public static final String POLL = "$export-poll-status";
    /** {@code Binary.securityContext.identifier.system} of export files; the value is the owning client id. */
    public static final String FILE_OWNER_SYSTEM = "urn:portico:bulk-export:client";
    static final String JOB_ID_PARAM = "_jobId";
    static final String TYPE_PARAM = "_type";
    static final String BINARY = "Binary";
    /** HAPI's meta extension naming the job that wrote an export file. */
    static final String JOB_EXTENSION = "https://hapifhir.org/NamingSystem/bulk-export-job-id";

    private static final Logger log = LoggerFactory.getLogger("org.portico.fhir.authz");
    private static final String ADMITTED = BulkExportAuthorization.class.getName() + ".admitted";
    private static final Set<String> OPERATIONS = Set.of(EXPORT, POLL);
    private static final Set<RestOperationTypeEnum> SEARCHES = Set.of(RestOperationTypeEnum.SEARCH_TYPE,
            RestOperationTypeEnum.SEARCH_SYSTEM, RestOperationTypeEnum.GET_PAGE);
    private static final Set<RestOperationTypeEnum> EXTENDED = Set.of(RestOperationTypeEnum.EXTENDED_OPERATION_SERVER,
            RestOperationTypeEnum.EXTENDED_OPERATION_TYPE, RestOperationTypeEnum.EXTENDED_OPERATION_INSTANCE);

    private final TokenAccess access;
    private final IJobCoordinator jobs;
    private final String retryAfterSeconds;

    public BulkExportAuthorization(TokenAccess access, IJobCoordinator jobs, Duration retryAfter) {
        this.access = access;
        this.jobs = jobs;
        this.retryAfterSeconds = Long.toString(Math.max(1, retryAfter.toSeconds()));
    }

    /** Whether the request is a kick-off, a status poll or a cancel of a bulk export. */
    public boolean isBulkOperation(RequestDetails request) {
        return EXTENDED.contains(request.getRestOperationType()) && OPERATIONS.contains(request.getOperation());
    }

    /**
     * Decides a bulk request before HAPI's rules run: a backend token, and for a status request the
     * client that started the job. Throws the answer (403, 404, or 202 for a cancelled finished job).
     */
    public void admit(RequestDetails request) {
        VerifiedToken token = BearerTokenInterceptor.token(request).orElseThrow(() -> forbidden(request, "no token"));
        AccessPolicy policy = access.of(request).policy();
        if (!policy.hasServerWide() || token.clientId() == null || token.clientId().isBlank()) {
            throw forbidden(request, "Bulk data export needs a backend services token with system/ scopes");
        }
        if (EXPORT.equals(request.getOperation())) {
            boolean readsAnything = policy.bindings().stream().filter(AccessPolicy.Binding::serverWide)
                    .flatMap(b -> b.byType().values().stream())
                    .anyMatch(grants -> grants.containsKey(Interaction.READ));
            if (!readsAnything) {
                throw forbidden(request, "Bulk data export needs a system/ read scope (system/*.r or system/[type].r)");
            }
        } else {
            checkStatusRequest(request, token);
        }
        request.getUserData().put(ADMITTED, Boolean.TRUE);
    }

    private void checkStatusRequest(RequestDetails request, VerifiedToken token) {
        String jobId = firstParameter(request, JOB_ID_PARAM);
        if (jobId == null || jobId.isBlank()) {
            throw new InvalidRequestException("$export-poll-status needs the _jobId of the export");
        }
        JobInstance job = ownJob(jobId, token);
        if (job.isCancelled()) {
            throw new ResourceNotFoundException("Export job " + jobId + " was cancelled or deleted; nothing to report");
        }
        if (request.getRequestType() == RequestTypeEnum.DELETE && job.getStatus() == StatusEnum.COMPLETED) {
            // HAPI answers 404 to deleting a finished export; Bulk Data 2.0 wants 202 and a 404 afterwards
            jobs.cancelInstance(jobId);
            log.debug("bulk export deleted: client={} job={}", token.clientId(), jobId);
            throw new ExportDeleted(jobId);
        }
    }

    /** The job, if the token's client started it; any other job answers as an unknown one. */
    private JobInstance ownJob(String jobId, VerifiedToken token) {
        JobInstance job;
        try {
            job = jobs.getInstance(jobId);
        } catch (ResourceNotFoundException e) {
            throw unknownJob(jobId);
        }
        BulkExportJobParameters parameters;
        try {
            parameters = job.getParameters(BulkExportJobParameters.class);
        } catch (RuntimeException notAnExport) {
            throw unknownJob(jobId);
        }
        if (parameters == null || !FILE_OWNER_SYSTEM.equals(parameters.getBinarySecurityContextIdentifierSystem())
                || !Objects.equals(token.clientId(), parameters.getBinarySecurityContextIdentifierValue())) {
            log.debug("bulk export of another client refused: client={} job={}", token.clientId(), jobId);
            throw unknownJob(jobId);
        }
        return job;
    }

    /**
     * The HAPI rules of a request: for an admitted bulk request, the export operations; for a read of a
     * Binary by a backend token, first a rule allowing the client's own export files (whatever its
     * scopes say about Binary), then the token's rules.
     */
    public List<IAuthRule> rules(RequestDetails request, List<IAuthRule> tokenRules) {
        if (isBulkOperation(request)) {
            if (!Boolean.TRUE.equals(request.getUserData().get(ADMITTED))) {
                return tokenRules;
            }
            RuleBuilder rules = new RuleBuilder();
            rules.allow("bulk export").operation().named(EXPORT).onServer().andAllowAllResponses();
            rules.allow("bulk export").operation().named(EXPORT).onType(org.hl7.fhir.r4.model.Patient.class).andAllowAllResponses();
            rules.allow("bulk export").operation().named(EXPORT).onAnyInstance().andAllowAllResponses();
            rules.allow("bulk export status").operation().named(POLL).onServer().andAllowAllResponses();
            rules.allow("bulk export").bulkExport().any();
            rules.denyAll("no scope grants this request");
            return rules.build();
        }
        RestOperationTypeEnum op = request.getRestOperationType();
        if ((op == RestOperationTypeEnum.READ || op == RestOperationTypeEnum.VREAD) && BINARY.equals(request.getResourceName())) {
            String client = backendClient(request);
            if (client != null) {
                List<IAuthRule> rules = new ArrayList<>(new RuleBuilder()
                        .allow("bulk export file").read().resourcesOfType(BINARY).withAnyId()
                        .withTester(new OwnFileTester(client))
                        .build());
                rules.addAll(tokenRules);
                return rules;
            }
        }
        return tokenRules;
    }

    /** Before a job starts: the owner, and the types the token may read (403 for a type it may not). */
    @Hook(Pointcut.STORAGE_INITIATE_BULK_EXPORT)
    public void initiate(BulkExportJobParameters parameters, RequestDetails request) {
        if (!(request instanceof ServletRequestDetails)) {
            return;
        }
        VerifiedToken token = BearerTokenInterceptor.token(request).orElseThrow(() -> forbidden(request, "no token"));
        AccessPolicy policy = access.of(request).policy();
        boolean explicit = firstParameter(request, TYPE_PARAM) != null;
        List<String> types = new ArrayList<>();
        List<String> filters = new ArrayList<>(parameters.getPostFetchFilterUrls());
        Set<String> refused = new LinkedHashSet<>();
        for (String type : parameters.getResourceTypes()) {
            Access read = serverWideRead(policy, type);
            if (!read.granted()) {
                refused.add(type);
                continue;
            }
            if (!read.unrestricted()) {
                boolean ownFilters = parameters.getFilters().stream().anyMatch(f -> f.startsWith(type + "?"))
                        || parameters.getPostFetchFilterUrls().stream().anyMatch(f -> f.startsWith(type + "?"));
                if (ownFilters) {
                    throw forbidden(request, "_typeFilter and _typePostFetchFilterUrl are not supported for " + type
                            + ", which this token may read only in part (granular scope)");
                }
                read.anyOf().forEach(group -> filters.add(type + "?" + RestrictionMatcher.query(group)));
            }
            types.add(type);
        }
        if (explicit && !refused.isEmpty()) {
            throw forbidden(request, "This token may not export " + String.join(", ", refused)
                    + " (needs system/[type].r for each _type)");
        }
        if (types.isEmpty()) {
            throw forbidden(request, "This token may not read any of the types this export would contain");
        }
        parameters.setResourceTypes(types);
        parameters.setPostFetchFilterUrls(filters);
        parameters.setBinarySecurityContextIdentifierSystem(FILE_OWNER_SYSTEM);
        parameters.setBinarySecurityContextIdentifierValue(token.clientId());
        log.debug("bulk export started: client={} style={} types={} granular={}", token.clientId(),
                parameters.getExportStyle(), types.size(), filters.size() - parameters.getPostFetchFilterUrls().size());
    }

    /**
     * Export files are shown only to their owner's backend token, by read; they are left out of search
     * answers, a history or operation answer holding one is refused (403), and a read (or instance
     * history) by anyone else answers as for an unknown Binary. A file of a cancelled export is gone.
     */
    @Hook(value = Pointcut.STORAGE_PRESHOW_RESOURCES, order = -50)
    public void guardFiles(IPreResourceShowDetails details, RequestDetails request) {
        if (!(request instanceof ServletRequestDetails)) {
            return;
        }
        RestOperationTypeEnum op = request.getRestOperationType();
        boolean read = op == RestOperationTypeEnum.READ || op == RestOperationTypeEnum.VREAD;
        String client = backendClient(request);
        for (int i = 0; i < details.size(); i++) {
            IBaseResource resource = details.getResource(i);
            if (resource instanceof Group && client == null) {
                hideCohort(details, i, op);
                continue;
            }
            String owner = fileOwner(resource);
            if (owner == null) {
                continue;
            }
            if (read && owner.equals(client)) {
                String jobId = jobOf(resource);
                if (jobId != null && cancelled(jobId)) {
                    throw new ResourceNotFoundException(resource.getIdElement().toUnqualifiedVersionless());
                }
                continue;
            }
            if (read || op == RestOperationTypeEnum.HISTORY_INSTANCE) {
                log.debug("export file refused: client={} operation={}", client, op);
                throw new ResourceNotFoundException(resource.getIdElement().toUnqualifiedVersionless());
            }
            if (!SEARCHES.contains(op)) {
                // a history or operation answer cannot leave an entry out (HAPI fails on a removed one)
                throw new ForbiddenOperationException("Bulk export files are only served by a read of their own URL");
            }
            details.setResource(i, null);
        }
    }

    /**
     * A Group is an export cohort naming many patients; it is in each member's Patient compartment,
     * so the compartment rules would show a patient-bound token the whole member list. Only backend
     * tokens see Groups: a read answers 403 as any denial does, searches and {@code $everything} leave
     * them out.
     */
    private static void hideCohort(IPreResourceShowDetails details, int index, RestOperationTypeEnum op) {
        if (op == RestOperationTypeEnum.READ || op == RestOperationTypeEnum.VREAD || op == RestOperationTypeEnum.HISTORY_INSTANCE) {
            throw new ForbiddenOperationException("Access denied: Groups are served to backend services (system/) tokens only");
        }
        if (op == RestOperationTypeEnum.HISTORY_TYPE || op == RestOperationTypeEnum.HISTORY_SYSTEM) {
            throw new ForbiddenOperationException("Access denied: this history holds a Group, which is served to backend tokens only");
        }
        details.setResource(index, null);
    }

    /** Clients never write export files, nor Binaries that claim to be one. */
    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_CREATED)
    public void created(IBaseResource resource, RequestDetails request) {
        refuseFileWrite(request, resource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_UPDATED)
    public void updated(IBaseResource oldResource, IBaseResource newResource, RequestDetails request) {
        refuseFileWrite(request, oldResource);
        refuseFileWrite(request, newResource);
    }

    @Hook(Pointcut.STORAGE_PRESTORAGE_RESOURCE_DELETED)
    public void deleted(IBaseResource resource, RequestDetails request) {
        refuseFileWrite(request, resource);
    }

    private void refuseFileWrite(RequestDetails request, IBaseResource resource) {
        if (request instanceof ServletRequestDetails && fileOwner(resource) != null) {
            throw new ForbiddenOperationException("Bulk export files cannot be written");
        }
    }

    /** HAPI asks clients to come back in two minutes; exports here take seconds. */
    @Hook(Pointcut.SERVER_OUTGOING_RESPONSE)
    public boolean retryAfter(RequestDetails request, ResponseDetails response) {
        if (POLL.equals(request.getOperation()) && response.getResponseCode() == 202
                && request instanceof ServletRequestDetails servlet && !servlet.getServletResponse().isCommitted()) {
            servlet.getServletResponse().setHeader("Retry-After", retryAfterSeconds);
        }
        return true;
    }

    private static Access serverWideRead(AccessPolicy policy, String type) {
        Access result = Access.NONE;
        for (AccessPolicy.Binding binding : policy.bindings()) {
            if (binding.serverWide()) {
                result = result.or(binding.access(type, Interaction.READ));
            }
        }
        return result;
    }

    /** The client id of a backend (server-wide) token, or null. */
    private String backendClient(RequestDetails request) {
        VerifiedToken token = BearerTokenInterceptor.token(request).orElse(null);
        if (token == null || token.clientId() == null || !access.of(request).policy().hasServerWide()) {
            return null;
        }
        return token.clientId();
    }

    /** The client owning an export file, or null for any other resource. */
    static String fileOwner(IBaseResource resource) {
        if (resource instanceof Binary binary && binary.hasSecurityContext()
                && binary.getSecurityContext().getIdentifier() != null
                && FILE_OWNER_SYSTEM.equals(binary.getSecurityContext().getIdentifier().getSystem())) {
            String owner = binary.getSecurityContext().getIdentifier().getValue();
            return owner == null ? "" : owner;
        }
        return null;
    }

    private static String jobOf(IBaseResource resource) {
        if (resource instanceof Binary binary) {
            Extension ext = binary.getMeta().getExtensionByUrl(JOB_EXTENSION);
            return ext == null || ext.getValue() == null ? null : ext.getValue().primitiveValue();
        }
        return null;
    }

    private boolean cancelled(String jobId) {
        try {
            return jobs.getInstance(jobId).isCancelled();
        } catch (ResourceNotFoundException e) {
            return true;
        }
    }

    static String firstParameter(RequestDetails request, String name) {
        String[] values = request.getParameters() == null ? null : request.getParameters().get(name);
        if (values != null && values.length > 0) {
            return values[0];
        }
        if (request.getResource() instanceof Parameters parameters && parameters.getParameter(name) != null) {
            var value = parameters.getParameter(name).getValue();
            return value == null ? null : value.primitiveValue();
        }
        return null;
    }

    private static ResourceNotFoundException unknownJob(String jobId) {
        return new ResourceNotFoundException("Unknown export job: " + jobId);
    }

    private static ForbiddenOperationException forbidden(RequestDetails request, String message) {
        log.debug("bulk export refused: operation={} type={} reason={}", request.getOperation(), request.getResourceName(), message);
        return new ForbiddenOperationException(message);
    }

    /** Admits a read of a Binary when it is one of the client's own export files (decided on output). */
    private record OwnFileTester(String client) implements ca.uhn.fhir.rest.server.interceptor.auth.IAuthRuleTester {

        @Override
        public boolean matches(RuleTestRequest request) {
            return request.resource == null || client.equals(fileOwner(request.resource));
        }

        @Override
        public boolean matchesOutput(RuleTestRequest request) {
            return request.resource != null && client.equals(fileOwner(request.resource));
        }
    }

    /** The answer to deleting a finished export: 202 with an informational OperationOutcome. */
    static final class ExportDeleted extends BaseServerResponseException {

        ExportDeleted(String jobId) {
            super(202, "Export job " + jobId + " deleted", outcome("Export job " + jobId + " deleted"));
        }

        private static OperationOutcome outcome(String message) {
            OperationOutcome outcome = new OperationOutcome();
            outcome.addIssue().setSeverity(OperationOutcome.IssueSeverity.INFORMATION)
                    .setCode(OperationOutcome.IssueType.INFORMATIONAL).setDiagnostics(message);
            return outcome;
        }
    }
}
