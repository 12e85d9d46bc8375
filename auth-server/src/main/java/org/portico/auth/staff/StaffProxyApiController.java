package org.portico.auth.staff;

import java.security.Principal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.portico.auth.enrolment.PatientDirectory;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.proxy.ProxyAccess;
import org.portico.auth.proxy.ProxyGrant;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Staff record guardian access for a minor (ADR 0019): who (an existing account), for which patient, at
 * which level, until when, and the reference of the legal document seen (required). The age rules of
 * the patient's state apply from then on; an adult patient's access is theirs to give (409). Every
 * action goes to the staff audit trail.
 */
@RestController
@RequestMapping(StaffApiController.PATH)
public class StaffProxyApiController {

    private final ProxyAccess proxies;
    private final UserAccounts accounts;
    private final StaffAudit audit;

    public StaffProxyApiController(ProxyAccess proxies, UserAccounts accounts, StaffAudit audit) {
        this.proxies = proxies;
        this.accounts = accounts;
        this.audit = audit;
    }

    @PostMapping("/patients/{patientId}/proxies")
    public ResponseEntity<?> grant(@PathVariable String patientId, @RequestParam String proxy,
            @RequestParam(name = "document_reference", required = false) String documentReference,
            @RequestParam(defaultValue = "full") String level, @RequestParam(name = "decided_by", defaultValue = "guardian") String decidedBy,
            @RequestParam(name = "valid_until", required = false) String validUntil, Principal principal)
            throws PatientDirectory.Unavailable {
        UserAccount staff = staff(principal);
        if (documentReference == null || documentReference.isBlank() || documentReference.length() > 200) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "document_reference (the legal document seen) is required");
        }
        ProxyGrant.Level chosen;
        ProxyGrant.DecidedBy by;
        java.time.Instant until = null;
        try {
            chosen = ProxyGrant.Level.of(level);
            by = switch (decidedBy) {
                case "guardian" -> ProxyGrant.DecidedBy.GUARDIAN;
                case "staff" -> ProxyGrant.DecidedBy.STAFF;
                default -> throw new IllegalArgumentException();
            };
            if (validUntil != null && !validUntil.isBlank()) {
                until = LocalDate.parse(validUntil).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "level is full or read-only, decided_by guardian or staff,"
                    + " valid_until a date");
        }
        Optional<UserAccount> account = accounts.findByUsername(proxy).filter(UserAccount::isPatient);
        if (account.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, "not_found", "no patient account with that username");
        }
        ProxyAccess.GrantResult result = proxies.grantByStaff(staff, account.get(), patientId, chosen, by, documentReference.trim(), until);
        if (result.refusal() == ProxyAccess.Refusal.NO_SUCH_PATIENT) {
            return error(HttpStatus.NOT_FOUND, "not_found", "no such patient");
        }
        if (result.refusal() == ProxyAccess.Refusal.ADULT_PATIENT) {
            return error(HttpStatus.CONFLICT, "adult_patient", "the patient is an adult: only they can give access to their record");
        }
        ProxyGrant grant = result.grant();
        audit.record(staff.id(), "proxy_granted", patientId, account.get().id(), "relationship=" + grant.relationshipId());
        return ResponseEntity.status(HttpStatus.CREATED).body(json(grant));
    }

    @GetMapping("/patients/{patientId}/proxies")
    public ResponseEntity<?> list(@PathVariable String patientId) {
        List<Map<String, Object>> grants = proxies.proxiesOf(patientId).stream().map(StaffProxyApiController::json).toList();
        return ResponseEntity.ok(Map.of("proxies", grants));
    }

    @DeleteMapping("/proxies/{relationshipId}")
    public ResponseEntity<?> revoke(@PathVariable String relationshipId, Principal principal) {
        UserAccount staff = staff(principal);
        if (!proxies.revokeByStaff(relationshipId)) {
            return error(HttpStatus.NOT_FOUND, "not_found", "no active proxy access of that id");
        }
        audit.record(staff.id(), "proxy_revoked", null, null, "relationship=" + relationshipId);
        return ResponseEntity.noContent().build();
    }

    @ExceptionHandler(PatientDirectory.Unavailable.class)
    ResponseEntity<?> unavailable() {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "fhir_unavailable", "the patient records cannot be reached right now");
    }

    static Map<String, Object> json(ProxyGrant g) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("relationship_id", g.relationshipId());
        json.put("version", g.version());
        json.put("proxy_user_id", g.proxyUserId());
        json.put("patient_id", g.patientId());
        json.put("level", g.level().code());
        json.put("decided_by", g.decidedBy().code());
        json.put("document_reference", g.documentReference());
        json.put("valid_from", g.validFrom().toString());
        json.put("valid_until", g.validUntil() == null ? null : g.validUntil().toString());
        json.put("status", g.status().code());
        json.put("reason", g.reason());
        json.put("rule_id", g.ruleId());
        json.put("rule_version", g.ruleVersion());
        json.put("age_phase", g.agePhase());
        return json;
    }

    private UserAccount staff(Principal principal) {
        return accounts.findByUsername(principal.getName()).filter(UserAccount::isStaff)
                .orElseThrow(() -> new IllegalStateException("a STAFF principal without a staff account"));
    }

    private static ResponseEntity<?> error(HttpStatus status, String code, String description) {
        return ResponseEntity.status(status).body(Map.of("error", code, "error_description", description));
    }
}
