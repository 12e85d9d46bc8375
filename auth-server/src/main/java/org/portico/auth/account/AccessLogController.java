package org.portico.auth.account;

import org.portico.auth.proxy.ProxyAccess;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.portico.auth.identity.ActingFor;
import org.portico.auth.identity.UserAccount;
import org.portico.auth.identity.UserAccounts;
import org.portico.auth.registration.RegistrationSettings;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.MessageSource;
import org.springframework.context.i18n.LocaleContextHolder;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * "Who has seen my record": the signed-in user's access log, for their own record or one they may act
 * for (checked here, before any FHIR call), grouped per app, in plain language (issue 4, ADR 0008).
 */
@Controller
public class AccessLogController {

    public static final String PATH = "/account/access-log";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");

    private final UserAccounts users;
    private final ProxyAccess proxies;
    private final AccessLogReader reader;
    private final AccessLogApps apps;
    private final RegistrationSettings settings;
    private final MessageSource messages;
    private final ZoneId zone = ZoneId.systemDefault();

    public AccessLogController(ProxyAccess proxies, UserAccounts users, AccessLogReader reader, AccessLogApps apps, RegistrationSettings settings,
                               MessageSource messages) {
        this.messages = messages;
        this.users = users;
        this.proxies = proxies;
        this.reader = reader;
        this.apps = apps;
        this.settings = settings;
    }

    @GetMapping(PATH)
    public String page(Principal principal, @RequestParam(name = "patient", required = false) String patientId,
                       @RequestParam(name = "before", required = false) String beforeParam,
                       Model model, HttpServletResponse response) {
        model.addAttribute("appsUri", AuthEndpoints.MANAGEMENT_PATH);
        model.addAttribute("logUri", PATH);
        Optional<UserAccount> account = users.findByUsername(principal.getName());
        if (account.isEmpty()) {
            return refuse(model, response, HttpServletResponse.SC_FORBIDDEN, "accessLog.noRecord");
        }
        UserAccount user = account.get();
        List<ActingFor> patients = proxies.actingFor(user);
        ActingFor patient;
        if (patientId == null || patientId.isBlank()) {
            patient = patients.get(0);
        } else {
            Optional<ActingFor> allowed = patients.stream().filter(p -> p.patientId().equals(patientId)).findFirst();
            if (allowed.isEmpty()) {
                decisions.info("access log refused: the user may not act for the patient asked for");
                return refuse(model, response, HttpServletResponse.SC_FORBIDDEN,
                        "accessLog.notYours");
            }
            patient = allowed.get();
        }
        Instant before = null;
        if (beforeParam != null && !beforeParam.isBlank()) {
            try {
                before = Instant.parse(beforeParam);
            } catch (DateTimeParseException e) {
                return refuse(model, response, HttpServletResponse.SC_BAD_REQUEST, "accessLog.badLink");
            }
        }

        // the user's own record: every event; someone they act for: only events of callers who saw no
        // more than the proxy may (a parent does not learn of a teenager's confidential care through the log)
        java.util.Set<String> labels = patient.self() ? org.portico.smart.claims.SecurityLabels.ALL
                : proxies.proxyLabels(user, patient.patientId());
        AccessLogReader.Result log = reader.read(user, patient, before, labels);
        model.addAttribute("patients", patients);
        model.addAttribute("patient", patient);
        model.addAttribute("available", log.available());
        model.addAttribute("groups", apps.group(log.entries(), user, zone,
                DateTimeFormatter.ofPattern(
                        messages.getMessage("accessLog.dateFormat", null, LocaleContextHolder.getLocale()),
                        LocaleContextHolder.getLocale())));
        model.addAttribute("windowDays", AccessLogReader.WINDOW.toDays());
        Instant oldest = log.entries().isEmpty() ? null : log.entries().get(log.entries().size() - 1).recorded();
        model.addAttribute("olderUri", log.more() && oldest != null
                ? PATH + "?patient=" + URLEncoder.encode(patient.patientId(), StandardCharsets.UTF_8) + "&before=" + oldest
                : null);
        model.addAttribute("newest", before == null);
        model.addAttribute("reviewerName", settings.reviewerName());
        return "account/access-log";
    }

    /** @param message the key of the text shown */
    private static String refuse(Model model, HttpServletResponse response, int status, String message) {
        response.setStatus(status);
        model.addAttribute("refusal", message);
        return "account/access-log";
    }
}
