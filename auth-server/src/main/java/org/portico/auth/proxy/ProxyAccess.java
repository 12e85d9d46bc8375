package org.portico.auth.proxy;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.portico.auth.enrolment.PatientDirectory;
import org.portico.auth.enrolment.PatientRecord;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.notify.AccountNotice;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;

/**
 * Who may act for whom, now (ADR 0019). Every question is answered from the current version of the
 * proxy grant evaluated against the injected clock and the jurisdiction rules; when the answer differs
 * from what the grant says (a birthday passed, an end date came), the transition is recorded as a new
 * version and, when it takes something away, {@link ProxyRevocations} runs before the answer is given.
 * So the picker, the consent POST, every token (refreshes included) and the sweep all apply the rules,
 * and nobody has to act for a transition to happen.
 */
@Service
public class ProxyAccess {

    /** The class of confidentiality R in the jurisdiction rules. */
    static final String RESTRICTED = "R";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final ProxyGrants grants;
    private final ProxyPolicy policy;
    private final ProxyRevocations revocations;
    private final ProxyRecords records;
    private final PatientDirectory directory;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    public ProxyAccess(ProxyGrants grants, ProxyPolicy policy, ProxyRevocations revocations, ProxyRecords records,
            PatientDirectory directory, ApplicationEventPublisher events, Clock clock) {
        this.records = records;
        this.grants = grants;
        this.policy = policy;
        this.revocations = revocations;
        this.directory = directory;
        this.events = events;
        this.clock = clock;
    }

    /** The patients the user may act for now: their own first, then the others. Empty for a staff account. */
    public List<ActingFor> actingFor(UserAccount user) {
        List<ActingFor> result = new ArrayList<>();
        if (user.patientId() == null) {
            return result;
        }
        result.add(ActingFor.own(user.patientId(), user.displayName()));
        for (ProxyGrant grant : grants.ofProxy(user.id())) {
            if (grant.patientId().equals(user.patientId())) {
                continue;
            }
            if (settle(grant).usable()) {
                result.add(new ActingFor(grant.patientId(), grant.patientName(), false, grant.level() == ProxyGrant.Level.READ_ONLY));
            }
        }
        return result;
    }

    /** The patient of that id if the user may act for them now. */
    public Optional<ActingFor> actingFor(UserAccount user, String patientId) {
        return actingFor(user).stream().filter(p -> p.patientId().equals(patientId)).findFirst();
    }

    /**
     * The sensitive labels ({@code system|code}) a token of this user for another patient carries:
     * what the proxy grant allows now (none when there is no usable grant).
     */
    public Set<String> proxyLabels(UserAccount user, String patientId) {
        return grants.ofProxy(user.id()).stream().filter(g -> g.patientId().equals(patientId)).findFirst()
                .map(this::settle).filter(ProxyPolicy.Evaluation::usable).map(ProxyPolicy.Evaluation::labels).orElse(Set.of());
    }

    /**
     * The labels the patient's own choice of classes stands for. The fhir-server's labeller (ADR 0021)
     * marks every resource it gives a sensitivity label with confidentiality {@code R} as well, and a
     * resource is shown only if every label on it is granted: so a patient who shares any class shares
     * {@code R} with it, or the class they ticked would still be hidden.
     */
    public Set<String> classLabels(Iterable<String> classCodes) {
        Set<String> labels = new java.util.LinkedHashSet<>(policy.rules().labels(classCodes));
        if (!labels.isEmpty()) {
            labels.addAll(policy.rules().labels(List.of(RESTRICTED)));
        }
        return labels;
    }

    public JurisdictionRules rules() {
        return policy.rules();
    }

    /** The current grants that let others act for this patient, with what they allow now. */
    public List<ProxyGrant> proxiesOf(String patientId) {
        List<ProxyGrant> result = new ArrayList<>();
        for (ProxyGrant grant : grants.ofPatient(patientId)) {
            settle(grant);
            grants.current(grant.relationshipId()).ifPresent(result::add);
        }
        return result;
    }

    /** The patient lets another account act for them (portal page). */
    public ProxyGrant grantByPatient(UserAccount patient, UserAccount proxy, ProxyGrant.Level level) {
        ProxyGrant grant = grants.grant(proxy.id(), patient.patientId(), patient.displayName(), level, clock.instant(), null,
                ProxyGrant.DecidedBy.PATIENT, patient.id(), null, null, ProxyPolicy.ADULT, null, null);
        decisions.info("proxy grant {} v{}: granted by the patient, level {}", grant.relationshipId(), grant.version(), level.code());
        records.mirror(grant);
        events.publishEvent(new AccountNotice(proxy.id(), AccountNotice.Kind.PROXY_GRANTED, clock.instant(),
                java.util.Map.of("person", patient.displayName())));
        return grant;
    }

    /** Why a guardian or staff grant was not made. */
    public enum Refusal { NO_SUCH_PATIENT, ADULT_PATIENT }

    /** The result of a guardian or staff grant: the grant, or why not. */
    public record GrantResult(ProxyGrant grant, Refusal refusal) {}

    /**
     * Staff record guardian (or other staff-decided) access to a patient, with the legal document's
     * reference; the patient's birth date and state come from their record. An adult patient's access is
     * theirs to give: refused.
     */
    public GrantResult grantByStaff(UserAccount staff, UserAccount proxy, String patientId, ProxyGrant.Level level,
            ProxyGrant.DecidedBy decidedBy, String documentReference, Instant validUntil) throws PatientDirectory.Unavailable {
        Optional<PatientRecord> record = directory.read(patientId);
        if (record.isEmpty()) {
            return new GrantResult(null, Refusal.NO_SUCH_PATIENT);
        }
        LocalDate birthDate = birthDate(record.get());
        String state = record.get().state();
        ProxyGrant draft = new ProxyGrant(null, null, 0, proxy.id(), patientId, record.get().displayName(), level, clock.instant(),
                validUntil, decidedBy, staff.id(), documentReference, null, null, null, birthDate, state, ProxyGrant.Status.ACTIVE,
                "granted", null);
        ProxyPolicy.Evaluation evaluation = policy.evaluate(draft, birthDate, state, clock.instant(), today());
        if (ProxyPolicy.ADULT.equals(evaluation.agePhase()) || evaluation.status() != ProxyGrant.Status.ACTIVE) {
            // an adult's record is theirs to share (the portal page); staff record guardians of minors
            return new GrantResult(null, Refusal.ADULT_PATIENT);
        }
        ProxyGrant grant = grants.grant(proxy.id(), patientId, record.get().displayName(), level, clock.instant(), validUntil, decidedBy,
                staff.id(), documentReference, evaluation.rule(), evaluation.agePhase(), birthDate, state);
        decisions.info("proxy grant {} v{}: {} access recorded by staff under rule {}", grant.relationshipId(), grant.version(),
                decidedBy.code(), grant.ruleId());
        records.mirror(grant);
        events.publishEvent(new AccountNotice(proxy.id(), AccountNotice.Kind.PROXY_GRANTED, clock.instant(),
                java.util.Map.of("person", record.get().displayName())));
        return new GrantResult(grant, null);
    }

    /** The patient ends a proxy's access to their record; false when it is not one of their proxies. */
    public boolean revokeByPatient(UserAccount patient, String relationshipId) {
        Optional<ProxyGrant> grant = grants.current(relationshipId)
                .filter(g -> g.patientId().equals(patient.patientId()) && g.status() == ProxyGrant.Status.ACTIVE);
        return grant.isPresent() && end(grant.get(), "revoked_by_patient");
    }

    /** Staff end a proxy relationship; false when there is no active one of that id. */
    public boolean revokeByStaff(String relationshipId) {
        Optional<ProxyGrant> grant = grants.current(relationshipId).filter(g -> g.status() == ProxyGrant.Status.ACTIVE);
        return grant.isPresent() && end(grant.get(), "revoked_by_staff");
    }

    private boolean end(ProxyGrant grant, String reason) {
        Optional<ProxyGrant> ended = grants.supersede(grant, grant.next(ProxyGrant.Status.ENDED, reason, grant.agePhase(),
                grant.ruleId(), grant.ruleVersion(), grant.birthDate(), grant.patientState()));
        ended.ifPresent(g -> {
            records.mirror(g);
            revocations.revoke(g, AccountNotice.Kind.PROXY_ENDED, AccountNotice.Kind.PATIENT_PROXY_ENDED);
        });
        return ended.isPresent();
    }

    /**
     * The sweep (ADR 0019 item 5): reads each guardian grant's patient record again (birth date, state)
     * when the fhir-server answers, and applies every transition that is due. Returns how many grants
     * changed.
     */
    public int sweep() {
        int changed = 0;
        for (ProxyGrant grant : grants.active()) {
            ProxyGrant current = grant;
            // an adult's proxy has no age rules left to apply: no need to read the record again
            if (grant.ageRulesApply() && !ProxyPolicy.ADULT.equals(grant.agePhase())) {
                current = refreshed(grant);
            }
            ProxyPolicy.Evaluation evaluation = evaluate(current);
            if (evaluation.changes(current)) {
                apply(current, evaluation);
                changed++;
            }
        }
        return changed;
    }

    /** The grant with the birth date and state on the patient's record now (kept as it was if the record cannot be read). */
    private ProxyGrant refreshed(ProxyGrant grant) {
        try {
            Optional<PatientRecord> record = directory.read(grant.patientId());
            if (record.isEmpty()) {
                return grant;
            }
            LocalDate birthDate = birthDate(record.get());
            String state = record.get().state();
            if (java.util.Objects.equals(birthDate, grant.birthDate()) && java.util.Objects.equals(state, grant.patientState())) {
                return grant;
            }
            return grants.supersede(grant, grant.next(grant.status(), "record_changed", grant.agePhase(), grant.ruleId(),
                    grant.ruleVersion(), birthDate, state)).orElse(grant);
        } catch (PatientDirectory.Unavailable e) {
            decisions.warn("proxy sweep: patient records unavailable, using the recorded birth date ({})", e.getMessage());
            return grant;
        }
    }

    private ProxyPolicy.Evaluation settle(ProxyGrant grant) {
        ProxyPolicy.Evaluation evaluation = evaluate(grant);
        if (evaluation.changes(grant)) {
            apply(grant, evaluation);
        }
        return evaluation;
    }

    private ProxyPolicy.Evaluation evaluate(ProxyGrant grant) {
        return policy.evaluate(grant, grant.birthDate(), grant.patientState(), clock.instant(), today());
    }

    private void apply(ProxyGrant grant, ProxyPolicy.Evaluation evaluation) {
        boolean narrows = evaluation.narrows(grant);
        Optional<ProxyGrant> next = grants.supersede(grant, grant.next(evaluation.status(), evaluation.reason(), evaluation.agePhase(),
                evaluation.rule() == null ? grant.ruleId() : evaluation.rule().id(),
                evaluation.rule() == null ? grant.ruleVersion() : evaluation.rule().version(), grant.birthDate(), grant.patientState()));
        next.ifPresent(records::mirror);
        if (next.isEmpty() || !narrows) {
            return;
        }
        ProxyGrant changed = next.get();
        decisions.info("proxy grant {} v{}: {} under rule {} v{}", changed.relationshipId(), changed.version(), changed.reason(),
                changed.ruleId(), changed.ruleVersion());
        switch (changed.status()) {
            case SUSPENDED -> revocations.revoke(changed, AccountNotice.Kind.PROXY_ENDED, AccountNotice.Kind.PATIENT_TAKE_OVER);
            case ENDED -> revocations.revoke(changed, AccountNotice.Kind.PROXY_ENDED, AccountNotice.Kind.PATIENT_PROXY_ENDED);
            case ACTIVE -> revocations.revoke(changed, AccountNotice.Kind.PROXY_NARROWED, AccountNotice.Kind.PATIENT_PROXY_NARROWED);
        }
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static LocalDate birthDate(PatientRecord record) {
        String value = record.birthDate();
        // a full date only: a year or year-month birth date cannot place a birthday (fail closed: unknown)
        return value != null && value.length() == 10 ? LocalDate.parse(value) : null;
    }
}
