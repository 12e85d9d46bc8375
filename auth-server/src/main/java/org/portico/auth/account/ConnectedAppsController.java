package org.portico.auth.account;

import java.security.Principal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.portico.auth.registration.RegistrationSettings;
import org.portico.smart.discovery.AuthEndpoints;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The patient's connected-apps page (SMART {@code management_endpoint}): each app with access to
 * their record, and a Revoke button per app (a form POST with CSRF token, no JavaScript needed).
 */
@Controller
public class ConnectedAppsController {

    public static final String REVOKE_PATH = AuthEndpoints.MANAGEMENT_PATH + "/revoke";

    private static final Logger decisions = LoggerFactory.getLogger("org.portico.auth.decisions");
    private static final DateTimeFormatter SHOWN =
            DateTimeFormatter.ofPattern("d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH).withZone(ZoneOffset.UTC);

    private final ConnectedApps apps;
    private final RegistrationSettings settings;

    public ConnectedAppsController(ConnectedApps apps, RegistrationSettings settings) {
        this.apps = apps;
        this.settings = settings;
    }

    @GetMapping(AuthEndpoints.MANAGEMENT_PATH)
    public String page(Principal principal, Model model) {
        List<AppRow> rows = apps.of(principal.getName()).stream().map(AppRow::of).toList();
        model.addAttribute("apps", rows);
        model.addAttribute("reviewerName", settings.reviewerName());
        model.addAttribute("revokeUri", REVOKE_PATH);
        return "account/apps";
    }

    @PostMapping(REVOKE_PATH)
    public String revoke(Principal principal, @RequestParam(name = "client_id") String clientId, RedirectAttributes redirect) {
        boolean revoked = apps.revoke(principal.getName(), clientId);
        decisions.info("patient revoked app: client={} revoked={}", clientId, revoked);
        redirect.addFlashAttribute("revoked", revoked);
        return "redirect:" + AuthEndpoints.MANAGEMENT_PATH;
    }

    /** What the template shows of one app. */
    public record AppRow(
            String clientId, String name, boolean verified, List<String> resourceAccess, List<String> otherAccess,
            String since, String sinceIso, String lastToken, String lastTokenIso, boolean offlineAccess) {

        static AppRow of(ConnectedApps.ConnectedApp app) {
            return new AppRow(app.clientId(), app.name(), app.verified(), app.resourceAccess(), app.otherAccess(),
                    shown(app.since()), iso(app.since()), shown(app.lastToken()), iso(app.lastToken()), app.offlineAccess());
        }

        private static String shown(Instant instant) {
            return instant == null ? "unknown" : SHOWN.format(instant);
        }

        private static String iso(Instant instant) {
            return instant == null ? null : instant.toString();
        }
    }
}
