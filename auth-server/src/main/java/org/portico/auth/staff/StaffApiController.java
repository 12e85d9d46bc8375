package org.portico.auth.staff;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.portico.auth.enrolment.EnrolmentSecrets;
import org.portico.auth.enrolment.PatientDirectory;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
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
 * The staff API (JSON, role {@code STAFF}, HTTP Basic): look up patients, issue and revoke activation
 * codes, send invitations, unlock accounts. Errors are {@code {"error": code, "error_description": text}}.
 */
@RestController
@RequestMapping(StaffApiController.PATH)
public class StaffApiController {

    public static final String PATH = "/staff/api";

    private final StaffDesk desk;
    private final UserAccounts accounts;

    public StaffApiController(StaffDesk desk, UserAccounts accounts) {
        this.desk = desk;
        this.accounts = accounts;
    }

    @GetMapping("/patients")
    public ResponseEntity<?> lookup(@RequestParam(required = false) String family, @RequestParam(required = false) String given,
            @RequestParam(required = false) String birthdate, @RequestParam(required = false) String mrn, Principal principal)
            throws PatientDirectory.Unavailable {
        if (isBlank(family) && isBlank(given) && isBlank(birthdate) && isBlank(mrn)) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "give a name, a birth date or an MRN");
        }
        return ResponseEntity.ok(Map.of("patients", desk.lookup(staff(principal), family, given, birthdate, mrn)));
    }

    @GetMapping("/patients/{patientId}")
    public ResponseEntity<?> patient(@PathVariable String patientId) throws PatientDirectory.Unavailable {
        var patient = desk.patient(patientId);
        if (patient.isEmpty()) {
            return error(HttpStatus.NOT_FOUND, "not_found", "no such patient");
        }
        List<Map<String, Object>> secrets = desk.secrets(patientId).stream().map(StaffApiController::secret).toList();
        return ResponseEntity.ok(Map.of("patient", patient.get(), "secrets", secrets));
    }

    @PostMapping("/patients/{patientId}/activation-codes")
    public ResponseEntity<?> issue(@PathVariable String patientId, Principal principal) throws PatientDirectory.Unavailable {
        return desk.issueActivationCode(staff(principal), patientId)
                .<ResponseEntity<?>>map(code -> ResponseEntity.status(HttpStatus.CREATED).body(Map.of(
                        "id", code.id(), "code", code.secret(), "expires_at", code.expiresAt().toString())))
                .orElseGet(() -> error(HttpStatus.NOT_FOUND, "not_found", "no such patient"));
    }

    @PostMapping("/patients/{patientId}/invitations")
    public ResponseEntity<?> invite(@PathVariable String patientId, @RequestParam(defaultValue = "email") String channel,
            @RequestParam(defaultValue = "en") String lang, Principal principal) throws PatientDirectory.Unavailable {
        if (!channel.equals("email") && !channel.equals("sms")) {
            return error(HttpStatus.BAD_REQUEST, "invalid_request", "channel must be email or sms");
        }
        Locale locale = "es".equals(lang) ? Locale.forLanguageTag("es") : Locale.ENGLISH;
        try {
            return desk.invite(staff(principal), patientId, channel, locale)
                    .<ResponseEntity<?>>map(sent -> ResponseEntity.status(HttpStatus.CREATED).body(Map.of(
                            "id", sent.id(), "channel", channel, "expires_at", sent.expiresAt().toString())))
                    .orElseGet(() -> error(HttpStatus.NOT_FOUND, "not_found", "no such patient"));
        } catch (StaffDesk.NoContact e) {
            return error(HttpStatus.CONFLICT, "no_contact", "the record has no " + (channel.equals("sms") ? "phone number" : "email address"));
        }
    }

    @DeleteMapping("/secrets/{secretId}")
    public ResponseEntity<?> revoke(@PathVariable String secretId, Principal principal) {
        return desk.revoke(staff(principal), secretId) ? ResponseEntity.noContent().build()
                : error(HttpStatus.NOT_FOUND, "not_found", "no usable activation code or invitation of that id");
    }

    @PostMapping("/accounts/{userId}/unlock")
    public ResponseEntity<?> unlock(@PathVariable String userId, Principal principal) {
        return desk.unlock(staff(principal), userId) ? ResponseEntity.noContent().build()
                : error(HttpStatus.NOT_FOUND, "not_found", "no such account");
    }

    @ExceptionHandler(PatientDirectory.Unavailable.class)
    ResponseEntity<?> unavailable() {
        return error(HttpStatus.SERVICE_UNAVAILABLE, "fhir_unavailable", "the patient records cannot be reached right now");
    }

    private UserAccount staff(Principal principal) {
        return accounts.findByUsername(principal.getName()).filter(UserAccount::isStaff)
                .orElseThrow(() -> new IllegalStateException("a STAFF principal without a staff account"));
    }

    static Map<String, Object> secret(EnrolmentSecrets.Secret s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", s.id());
        json.put("kind", s.kind().name().toLowerCase(Locale.ROOT));
        json.put("created_at", s.createdAt().toString());
        json.put("expires_at", s.expiresAt().toString());
        if (s.channel() != null) {
            json.put("channel", s.channel());
        }
        json.put("status", s.usedAt() != null ? "used" : s.revokedAt() != null ? "revoked"
                : s.expiresAt().isBefore(java.time.Instant.now()) ? "expired" : "active");
        return json;
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }

    private static ResponseEntity<?> error(HttpStatus status, String code, String description) {
        return ResponseEntity.status(status).body(Map.of("error", code, "error_description", description));
    }
}
