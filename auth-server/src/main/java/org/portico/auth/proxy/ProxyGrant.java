package org.portico.auth.proxy;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Locale;

/**
 * One version of a proxy relationship ({@code proxy_grants}, ADR 0019): the proxy (an account) may act
 * for the patient at a level, within a period, by someone's decision, under a jurisdiction rule.
 *
 * @param relationshipId the same for every version of one relationship; what pages and the staff API name
 * @param agePhase       {@link ProxyPolicy#CHILD}, {@link ProxyPolicy#ADOLESCENT}, {@link ProxyPolicy#ADULT}; null: unknown
 * @param birthDate      the patient's, from their record when this version was decided; null when unknown
 * @param patientState   the patient's state (address.state), from their record; null when unknown
 * @param validUntil     null: no end date
 */
public record ProxyGrant(String id, String relationshipId, int version, String proxyUserId, String patientId, String patientName,
        Level level, Instant validFrom, Instant validUntil, DecidedBy decidedBy, String decidedByUserId, String documentReference,
        String ruleId, Integer ruleVersion, String agePhase, LocalDate birthDate, String patientState, Status status, String reason,
        Instant recordedAt) {

    /** What the proxy may do. */
    public enum Level {
        FULL("full"), READ_ONLY("read-only");

        private final String code;

        Level(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }

        public static Level of(String code) {
            for (Level level : values()) {
                if (level.code.equals(code)) {
                    return level;
                }
            }
            throw new IllegalArgumentException("unknown proxy level");
        }
    }

    /** Whose decision the relationship is. */
    public enum DecidedBy {
        PATIENT, GUARDIAN, STAFF;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public enum Status {
        ACTIVE, SUSPENDED, ENDED;

        public String code() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Whether age rules apply: a guardian's or staff's decision for someone who may be a minor. */
    public boolean ageRulesApply() {
        return decidedBy != DecidedBy.PATIENT;
    }

    /** The next version of this relationship with the given changes; id and recorded time are the store's. */
    ProxyGrant next(Status status, String reason, String agePhase, String ruleId, Integer ruleVersion, LocalDate birthDate,
            String patientState) {
        return new ProxyGrant(null, relationshipId, version + 1, proxyUserId, patientId, patientName, level, validFrom, validUntil,
                decidedBy, decidedByUserId, documentReference, ruleId, ruleVersion, agePhase, birthDate, patientState, status, reason,
                null);
    }
}
