package org.portico.auth.staff;

import java.security.Principal;
import java.util.Locale;
import org.portico.auth.enrolment.PatientDirectory;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The minimal staff page: a patient search, and per patient the buttons to issue an activation code,
 * send an invitation, revoke a code and unlock the account. Plain forms, no JavaScript.
 */
@Controller
public class StaffPageController {

    public static final String PATH = "/staff";

    private final StaffDesk desk;
    private final UserAccounts accounts;

    public StaffPageController(StaffDesk desk, UserAccounts accounts) {
        this.desk = desk;
        this.accounts = accounts;
    }

    @GetMapping(PATH)
    public String page(@RequestParam(required = false) String family, @RequestParam(required = false) String given,
            @RequestParam(required = false) String birthdate, @RequestParam(required = false) String mrn,
            @RequestParam(required = false) String patient, Principal principal, Model model) {
        model.addAttribute("family", family);
        model.addAttribute("given", given);
        model.addAttribute("birthdate", birthdate);
        model.addAttribute("mrn", mrn);
        try {
            if (family != null || given != null || birthdate != null || mrn != null) {
                model.addAttribute("results", desk.lookup(staff(principal), family, given, birthdate, mrn));
            }
            if (patient != null) {
                desk.patient(patient).ifPresent(p -> {
                    model.addAttribute("patient", p);
                    model.addAttribute("secrets", desk.secrets(p.id()).stream().map(StaffApiController::secret).toList());
                });
            }
        } catch (PatientDirectory.Unavailable e) {
            model.addAttribute("unavailable", true);
        }
        return "staff/desk";
    }

    @PostMapping(PATH + "/actions/activation-code")
    public String issue(@RequestParam String patient, Principal principal, Model model) throws PatientDirectory.Unavailable {
        desk.issueActivationCode(staff(principal), patient).ifPresent(code -> {
            model.addAttribute("issuedCode", code.secret());
            model.addAttribute("issuedExpires", code.expiresAt().truncatedTo(java.time.temporal.ChronoUnit.MINUTES).toString());
        });
        return page(null, null, null, null, patient, principal, model);
    }

    @PostMapping(PATH + "/actions/invitation")
    public String invite(@RequestParam String patient, @RequestParam(defaultValue = "email") String channel,
            @RequestParam(defaultValue = "en") String lang, Principal principal, Model model) throws PatientDirectory.Unavailable {
        try {
            desk.invite(staff(principal), patient, "sms".equals(channel) ? "sms" : "email",
                    "es".equals(lang) ? Locale.forLanguageTag("es") : Locale.ENGLISH);
            model.addAttribute("done", "staff.invitationSent");
        } catch (StaffDesk.NoContact e) {
            model.addAttribute("problem", "staff.noContact");
        }
        return page(null, null, null, null, patient, principal, model);
    }

    @PostMapping(PATH + "/actions/revoke")
    public String revoke(@RequestParam String patient, @RequestParam String secret, Principal principal, Model model) {
        boolean revoked = desk.revoke(staff(principal), secret);
        model.addAttribute(revoked ? "done" : "problem", revoked ? "staff.revoked" : "staff.notRevoked");
        return page(null, null, null, null, patient, principal, model);
    }

    @PostMapping(PATH + "/actions/unlock")
    public String unlock(@RequestParam String patient, @RequestParam String account, Principal principal, Model model) {
        if (desk.unlock(staff(principal), account)) {
            model.addAttribute("done", "staff.unlocked");
        }
        return page(null, null, null, null, patient, principal, model);
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(PatientDirectory.Unavailable.class)
    public String unavailable(Model model) {
        model.addAttribute("unavailable", true);
        return "staff/desk";
    }

    private UserAccount staff(Principal principal) {
        return accounts.findByUsername(principal.getName()).filter(UserAccount::isStaff)
                .orElseThrow(() -> new IllegalStateException("a STAFF principal without a staff account"));
    }
}
