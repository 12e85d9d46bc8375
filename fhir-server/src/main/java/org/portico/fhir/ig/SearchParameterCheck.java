package org.portico.fhir.ig;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.RuntimeSearchParam;
import ca.uhn.fhir.jpa.api.config.JpaStorageSettings;
import ca.uhn.fhir.jpa.api.dao.DaoRegistry;
import ca.uhn.fhir.jpa.dao.validation.SearchParameterDaoValidator;
import ca.uhn.fhir.jpa.searchparam.SearchParameterMap;
import ca.uhn.fhir.rest.api.server.SystemRequestDetails;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.rest.server.util.ISearchParamRegistry;
import ca.uhn.hapi.converters.canonical.VersionCanonicalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.hl7.fhir.r4.model.CodeType;
import org.hl7.fhir.r4.model.Enumerations;
import org.hl7.fhir.r4.model.SearchParameter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Checks, after the packages are installed, that every SearchParameter of the served US Core version
 * is really in force: active in HAPI's registry under its own URL, or (for {@code _id} and
 * {@code _lastUpdated}, which HAPI refuses to redefine) served by HAPI's built-in parameter of that
 * name. A parameter HAPI did not take (its package installer only logs and skips a SearchParameter it
 * rejects) is reported with HAPI's reason. Two stored active SearchParameters for one US Core
 * (base, code) would make HAPI pick either, so that fails the start-up.
 */
@Component
public class SearchParameterCheck {

    private static final Logger log = LoggerFactory.getLogger(SearchParameterCheck.class);

    public enum State { ACTIVE, BUILT_IN, NOT_ACTIVE }

    public record Entry(String base, String code, String url, String expression, State state, String reason) {}

    public record Report(List<Entry> entries) {

        public List<Entry> in(State state) {
            return entries.stream().filter(e -> e.state() == state).toList();
        }
    }

    private final UsCoreContract contract;
    private final ISearchParamRegistry registry;
    private final DaoRegistry daos;
    private final SearchParameterDaoValidator validator;
    private final VersionCanonicalizer canonicalizer;

    public SearchParameterCheck(UsCoreContract contract, ISearchParamRegistry registry, DaoRegistry daos,
            FhirContext fhir, JpaStorageSettings storageSettings) {
        this.contract = contract;
        this.registry = registry;
        this.daos = daos;
        this.validator = new SearchParameterDaoValidator(fhir, storageSettings, registry);
        this.canonicalizer = new VersionCanonicalizer(fhir);
    }

    public Report run() {
        List<Entry> entries = new ArrayList<>();
        for (SearchParameter sp : contract.searchParameters()) {
            for (CodeType base : sp.getBase()) {
                entries.add(check(base.getValue(), sp));
            }
        }
        Report report = new Report(List.copyOf(entries));
        log.info("{} SearchParameters: {} active, {} served by HAPI's built-in parameter of the same name ({}), {} not active",
                UsCoreContract.SERVED.id(), report.in(State.ACTIVE).size(), report.in(State.BUILT_IN).size(),
                report.in(State.BUILT_IN).stream().map(e -> e.base() + "." + e.code()).toList(),
                report.in(State.NOT_ACTIVE).size());
        for (Entry e : report.in(State.NOT_ACTIVE)) {
            log.warn("US Core SearchParameter NOT ACTIVE, searches by it fail: {}.{} ({}, expression {}): {}",
                    e.base(), e.code(), e.url(), e.expression(), e.reason());
        }
        failOnDuplicates(entries);
        return report;
    }

    private Entry check(String base, SearchParameter sp) {
        String code = sp.getCode();
        RuntimeSearchParam active = registry.getActiveSearchParam(base, code,
                ISearchParamRegistry.SearchParamLookupContextEnum.SEARCH);
        State state;
        String reason = null;
        if (active != null && sp.getUrl().equals(active.getUri())) {
            state = State.ACTIVE;
        } else if (active != null && code.startsWith("_")) {
            state = State.BUILT_IN;
        } else {
            state = State.NOT_ACTIVE;
            reason = active == null ? rejection(sp) : "the registry serves " + active.getUri() + " instead";
        }
        return new Entry(base, code, sp.getUrl(), sp.getExpression(), state, reason);
    }

    /** HAPI's own reason for refusing the parameter, as its package installer would have met it. */
    private String rejection(SearchParameter sp) {
        try {
            validator.validate(canonicalizer.searchParameterToCanonical(sp));
            return "HAPI accepts its definition but did not activate it (not stored, or disabled)";
        } catch (BaseServerResponseException | IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    private void failOnDuplicates(List<Entry> entries) {
        Set<String> usCore = new java.util.HashSet<>();
        entries.forEach(e -> usCore.add(e.base() + "." + e.code()));
        Map<String, List<String>> stored = new TreeMap<>();
        SearchParameterMap all = SearchParameterMap.newSynchronous();
        for (IBaseResource r : daos.getResourceDao("SearchParameter").search(all, new SystemRequestDetails()).getAllResources()) {
            SearchParameter sp = (SearchParameter) r;
            if (sp.getStatus() != Enumerations.PublicationStatus.ACTIVE) {
                continue;
            }
            for (CodeType base : sp.getBase()) {
                String key = base.getValue() + "." + sp.getCode();
                if (usCore.contains(key)) {
                    stored.computeIfAbsent(key, k -> new ArrayList<>()).add(sp.getIdElement().getIdPart() + " " + sp.getUrl()
                            + (sp.hasVersion() ? "|" + sp.getVersion() : ""));
                }
            }
        }
        List<String> duplicates = stored.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .map(e -> e.getKey() + " " + e.getValue()).toList();
        if (!duplicates.isEmpty()) {
            throw new IllegalStateException("more than one active SearchParameter for a US Core (base, code): " + duplicates
                    + "; retire all but the " + UsCoreContract.SERVED.id() + " one");
        }
    }
}
