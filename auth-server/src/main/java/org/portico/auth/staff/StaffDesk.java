package org.portico.auth.staff;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.portico.auth.config.AuthProperties;
import org.portico.auth.enrolment.EnrolmentSecrets;
import org.portico.auth.enrolment.EnrolmentSecrets.Kind;
import org.portico.auth.enrolment.EnrolmentSettings;
import org.portico.auth.enrolment.PatientDirectory;
import org.portico.auth.enrolment.PatientRecord;
import org.portico.auth.identity.AccountEvents;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.notify.Messenger;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * What staff do for patients, shared by the API and the page; every change is audited
 * ({@link StaffAudit}) with the staff account's id.
 */
@Service
public class StaffDesk {

    /** A Patient as the desk sees it, with its account if it has one. */
    public record PatientSummary(String id, String name, String birthDate, boolean hasEmail, boolean hasPhone,
            String accountId, String username) {}

    /** An invitation could not be sent: the record has no contact of that kind. */
    public static final class NoContact extends Exception {
        NoContact() {
            super("no contact of that kind on the record", null, false, false);
        }
    }

    private final PatientDirectory directory;
    private final EnrolmentSecrets secrets;
    private final EnrolmentSettings settings;
    private final UserAccounts accounts;
    private final Messenger messenger;
    private final StaffAudit audit;
    private final ApplicationEventPublisher events;
    private final String issuer;

    public StaffDesk(PatientDirectory directory, EnrolmentSecrets secrets, EnrolmentSettings settings, UserAccounts accounts,
            Messenger messenger, StaffAudit audit, ApplicationEventPublisher events, AuthProperties properties) {
        this.directory = directory;
        this.secrets = secrets;
        this.settings = settings;
        this.accounts = accounts;
        this.messenger = messenger;
        this.audit = audit;
        this.events = events;
        String s = properties.issuer().toString();
        this.issuer = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }

    /** Patients by name, birth date and/or MRN (at least one must be given). */
    public List<PatientSummary> lookup(UserAccount staff, String family, String given, String birthDate, String mrn)
            throws PatientDirectory.Unavailable {
        Map<String, String> search = new LinkedHashMap<>();
        put(search, "family", family);
        put(search, "given", given);
        put(search, "birthdate", birthDate);
        put(search, "identifier", mrn);
        if (search.isEmpty()) {
            return List.of();
        }
        audit.record(staff.id(), "patient.lookup", null, null, String.join(",", search.keySet()));
        return directory.search(search).stream().map(this::summary).toList();
    }

    public Optional<PatientSummary> patient(String patientId) throws PatientDirectory.Unavailable {
        return directory.read(patientId).map(this::summary);
    }

    public List<EnrolmentSecrets.Secret> secrets(String patientId) {
        return secrets.forPatient(patientId);
    }

    private PatientSummary summary(PatientRecord record) {
        Optional<UserAccount> account = accounts.findByPatientId(record.id());
        return new PatientSummary(record.id(), record.displayName(), record.birthDate(), record.email() != null,
                record.phone() != null, account.map(UserAccount::id).orElse(null), account.map(UserAccount::username).orElse(null));
    }

    /** A new activation code for the patient (shown to staff once); empty when there is no such Patient. */
    public Optional<EnrolmentSecrets.Issued> issueActivationCode(UserAccount staff, String patientId)
            throws PatientDirectory.Unavailable {
        if (directory.read(patientId).isEmpty()) {
            return Optional.empty();
        }
        EnrolmentSecrets.Issued code = secrets.issue(Kind.ACTIVATION_CODE, patientId, null, null, settings.activationCodeTtl(),
                staff.id());
        audit.record(staff.id(), "activation_code.issue", patientId, null, "secret " + code.id());
        return Optional.of(code);
    }

    /**
     * Sends an invitation link to the contact on the record ({@code email} or {@code sms}); empty when
     * there is no such Patient.
     */
    public Optional<EnrolmentSecrets.Issued> invite(UserAccount staff, String patientId, String channel, Locale locale)
            throws PatientDirectory.Unavailable, NoContact {
        Optional<PatientRecord> record = directory.read(patientId);
        if (record.isEmpty()) {
            return Optional.empty();
        }
        String to = "sms".equals(channel) ? record.get().phone() : record.get().email();
        if (to == null) {
            throw new NoContact();
        }
        String sendBy = "sms".equals(channel) ? "sms" : "email";
        EnrolmentSecrets.Issued invitation = secrets.issue(Kind.INVITATION, patientId, null, sendBy, settings.invitationTtl(),
                staff.id());
        String link = UriComponentsBuilder.fromUriString(issuer + "/register/invite").queryParam("token", invitation.secret())
                .queryParam("lang", locale.getLanguage()).build().toUriString();
        long days = Math.max(1, settings.invitationTtl().toDays());
        if (sendBy.equals("sms")) {
            messenger.sms(to, locale, "message.invitation", link, days);
        } else {
            messenger.email(to, locale, "message.invitation", link, days);
        }
        audit.record(staff.id(), "invitation.send", patientId, null, "secret " + invitation.id() + " by " + sendBy);
        return Optional.of(new EnrolmentSecrets.Issued(invitation.id(), null, invitation.expiresAt()));
    }

    /** Revokes an activation code or invitation that is still usable. */
    public boolean revoke(UserAccount staff, String secretId) {
        Optional<EnrolmentSecrets.Secret> secret = secrets.findById(secretId)
                .filter(s -> s.kind() == Kind.ACTIVATION_CODE || s.kind() == Kind.INVITATION);
        if (secret.isEmpty() || !secrets.revoke(secretId)) {
            return false;
        }
        audit.record(staff.id(), secret.get().kind() == Kind.ACTIVATION_CODE ? "activation_code.revoke" : "invitation.revoke",
                secret.get().patientId(), null, "secret " + secretId);
        return true;
    }

    /** Asks the login protection to forget the account's failures and lockout. */
    public boolean unlock(UserAccount staff, String userId) {
        Optional<UserAccount> account = accounts.findById(userId);
        if (account.isEmpty()) {
            return false;
        }
        events.publishEvent(new AccountEvents.UnlockRequested(userId, staff.id()));
        audit.record(staff.id(), "account.unlock", account.get().patientId(), userId, null);
        return true;
    }

    private static void put(Map<String, String> search, String name, String value) {
        if (value != null && !value.isBlank()) {
            search.put(name, value.trim());
        }
    }
}
