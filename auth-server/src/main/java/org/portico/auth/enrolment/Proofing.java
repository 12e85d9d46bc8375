package org.portico.auth.enrolment;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.portico.auth.enrolment.EnrolmentSecrets.Kind;
import org.portico.auth.enrolment.EnrolmentSecrets.Secret;
import org.portico.auth.notify.Messenger;
import org.springframework.stereotype.Service;

/**
 * The three ways to prove who you are, shared by registration and MFA reset: a staff-issued activation
 * code with the date of birth, an invitation link with the date of birth, or a demographic match
 * followed by a one-time code sent to a contact already on the record. Every failure looks the same
 * to the caller (an empty result); which check failed is not told, not even in the log.
 */
@Service
public class Proofing {

    private final EnrolmentSecrets secrets;
    private final PatientDirectory directory;
    private final Messenger messenger;
    private final EnrolmentSettings settings;

    public Proofing(EnrolmentSecrets secrets, PatientDirectory directory, Messenger messenger, EnrolmentSettings settings) {
        this.secrets = secrets;
        this.directory = directory;
        this.messenger = messenger;
        this.settings = settings;
    }

    /** An activation code (or invitation token) and the birth date typed with it. */
    public Optional<ProofedIdentity> bySecret(Kind kind, String secret, String birthDate) throws PatientDirectory.Unavailable {
        Optional<Secret> found = secrets.findUsable(kind, secret);
        if (found.isEmpty() || found.get().patientId() == null) {
            return Optional.empty();
        }
        Secret code = found.get();
        Optional<PatientRecord> record = directory.read(code.patientId());
        if (record.isEmpty() || record.get().birthDate() == null || !record.get().birthDate().equals(birthDate)) {
            secrets.recordFailure(code.id(), settings.maxCodeAttempts());
            return Optional.empty();
        }
        if (!secrets.consume(code.id())) {
            return Optional.empty();
        }
        String method = kind == Kind.ACTIVATION_CODE ? ProofedIdentity.ACTIVATION_CODE : ProofedIdentity.INVITATION;
        return Optional.of(identity(record.get(), method));
    }

    /** A demographic match in progress: the id of its one-time code (a decoy id when nothing matched). */
    public record PendingMatch(String secretId) implements Serializable {}

    /**
     * Looks the claim up; when exactly one record fits and it has an email or a phone number, a one-time
     * code goes there (email first). Either way the visitor gets a pending match and the same page.
     */
    public PendingMatch startMatch(DemographicMatch.Claim claim, Locale locale) throws PatientDirectory.Unavailable {
        Map<String, String> search = new LinkedHashMap<>();
        search.put("family", claim.family() == null ? "" : claim.family().trim());
        search.put("birthdate", claim.birthDate());
        Optional<PatientRecord> match = DemographicMatch.single(claim, directory.search(search));
        if (match.isEmpty() || (match.get().email() == null && match.get().phone() == null)) {
            return new PendingMatch(UUID.randomUUID().toString());
        }
        PatientRecord record = match.get();
        String channel = record.email() != null ? "email" : "sms";
        EnrolmentSecrets.Issued code = secrets.issue(Kind.ONE_TIME_CODE, record.id(), null, channel, settings.oneTimeCodeTtl(), null);
        long minutes = Math.max(1, settings.oneTimeCodeTtl().toMinutes());
        if (channel.equals("email")) {
            messenger.email(record.email(), locale, "message.oneTimeCode", code.secret(), minutes);
        } else {
            messenger.sms(record.phone(), locale, "message.oneTimeCode", code.secret(), minutes);
        }
        return new PendingMatch(code.id());
    }

    /** The one-time code of a pending match. */
    public Optional<ProofedIdentity> finishMatch(PendingMatch pending, String code) throws PatientDirectory.Unavailable {
        Optional<Secret> secret = secrets.findById(pending.secretId())
                .filter(s -> s.kind() == Kind.ONE_TIME_CODE && s.usable(secrets.now()));
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        if (!secrets.oneTimeCodeMatches(secret.get().id(), code)) {
            secrets.recordFailure(secret.get().id(), settings.maxCodeAttempts());
            return Optional.empty();
        }
        if (!secrets.consume(secret.get().id())) {
            return Optional.empty();
        }
        return directory.read(secret.get().patientId()).map(r -> identity(r, ProofedIdentity.DEMOGRAPHIC_MATCH));
    }

    private ProofedIdentity identity(PatientRecord record, String method) {
        return new ProofedIdentity(record.id(), record.displayName(), method, ProofedIdentity.assuranceOf(method),
                record.email(), record.phone(), secrets.now());
    }
}
